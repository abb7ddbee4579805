import type { PrismaClient } from "@agentry/prisma";
import {
  chooseCredential,
  toResolution,
  type ResolveQuery,
  type Resolution,
  type SystemKeys,
} from "./choose.js";
import { AGENT_KIND_LABELS, PROVIDER_CREDENTIAL_KINDS } from "./compatibility.js";
import { PROVIDER_LABELS } from "./formats.js";
import { providersOf, usableKinds } from "../registry/index.js";
import type { AgentKind, CredentialKind, Provider } from "../domain/enums.js";
import { AppError } from "../errors/app-error.js";

export type { ResolveQuery, Resolution, SystemKeys } from "./choose.js";
export * from "./last-used.js";

export interface ResolveDeps {
  readonly prisma: PrismaClient;
  readonly systemKeys: SystemKeys;
  readonly allowSystemKeys: boolean;
  /** The clock expiry is judged by; defaults to the system clock. */
  readonly now?: (() => Date) | undefined;
}

export const NO_API_KEY_MESSAGE = "No API key configured for this session";

const candidateSelect = {
  id: true,
  userId: true,
  sessionId: true,
  provider: true,
  kind: true,
  version: true,
  hint: true,
  expiresAt: true,
  refreshable: true,
} as const;

// The session's keys and the acting user's own credentials for the provider: every row the
// decision may take, and (through the owner filter) none it must not.
const candidatesWhere = (query: ResolveQuery) => ({
  provider: query.provider,
  OR: [
    { sessionId: query.sessionId, userId: null },
    { userId: query.actingUserId, sessionId: null },
  ],
});

/** session key > acting user's own (subscription before API key) > system key (if allowed) > null. */
export async function resolveCredential(
  deps: ResolveDeps,
  query: ResolveQuery,
): Promise<Resolution | null> {
  const candidates = await deps.prisma.credential.findMany({
    where: candidatesWhere(query),
    select: candidateSelect,
  });
  const choice = chooseCredential({
    query,
    candidates,
    systemKeys: deps.systemKeys,
    allowSystemKeys: deps.allowSystemKeys,
    now: deps.now?.() ?? new Date(),
  });
  return choice === null ? null : toResolution(query.provider, choice);
}

/** What a user should do when nothing resolves (the `hint` of a NO_API_KEY error). */
export function noCredentialHint(provider: Provider, agentKind: AgentKind): string {
  const label = PROVIDER_LABELS[provider];
  const usableHere = usableKinds(agentKind, provider);
  if (usableHere.length === 0) {
    const usable = providersOf(agentKind)
      .map((p) => PROVIDER_LABELS[p])
      .join(", ");
    return `${AGENT_KIND_LABELS[agentKind]} agents run with ${usable} credentials, not ${label}`;
  }
  const providerKinds: readonly CredentialKind[] = PROVIDER_CREDENTIAL_KINDS[provider];
  const kinds = providerKinds.filter((kind) => usableHere.includes(kind));
  const what =
    kinds.length === 2
      ? `${label} API key or subscription token`
      : kinds[0] === "SUBSCRIPTION"
        ? `${label} subscription token`
        : `${label} API key`;
  const needed =
    provider === "GITHUB_COPILOT"
      ? "a GitHub token for GitHub Copilot"
      : `${/^[AEIOU]/.test(label) ? "an" : "a"} ${what}`;
  return `Add ${needed} in Session Settings → Provider API Key or Account settings → API Keys`;
}

/** The NO_API_KEY error for a query nothing resolves for (its hint says what to add where). */
export function noCredentialError(query: ResolveQuery): AppError {
  return new AppError("NO_API_KEY", NO_API_KEY_MESSAGE, {
    provider: query.provider,
    hint: noCredentialHint(query.provider, query.agentKind),
  });
}

/** As resolveCredential, but throws AppError NO_API_KEY ("No API key configured for this session", details.hint) when nothing resolves. */
export async function requireCredential(
  deps: ResolveDeps,
  query: ResolveQuery,
): Promise<Resolution> {
  const resolution = await resolveCredential(deps, query);
  if (resolution === null) throw noCredentialError(query);
  return resolution;
}
