import { agentCanUse, SYSTEM_KEY_KINDS } from "./compatibility.js";
import { usableKinds } from "../registry/index.js";
import { secretHint } from "./formats.js";
import type { AgentKind, CredentialKind, KeySource, Provider } from "../domain/enums.js";

// The credential decision as a pure function of the candidate rows, the system keys and the
// flags, so every rule of it is testable without a database; resolve.ts fetches around it.

/** System-wide fallback keys from the environment (COPILOT_GITHUB_TOKEN is GITHUB_COPILOT). */
export type SystemKeys = { readonly [P in Provider]?: string | undefined };
export interface ResolveQuery {
  readonly sessionId: string;
  readonly actingUserId: string;
  readonly provider: Provider;
  readonly agentKind: AgentKind;
}
/** Which credential a message would use. Never holds the secret. */
export interface Resolution {
  readonly source: KeySource;
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly credentialId: string | null; // null for system keys
  readonly credentialVersion: number | null;
  readonly hint: string;
}

/** The fields of a Credential row the decision reads. */
export interface CandidateCredential {
  readonly id: string;
  readonly userId: string | null;
  readonly sessionId: string | null;
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly version: number;
  readonly hint: string;
  readonly expiresAt: Date | null;
  /** Carries a refresh token: its CLI (or the platform) renews it, so its expiry never rules it out. */
  readonly refreshable?: boolean;
}

export interface ChooseInput<C extends CandidateCredential> {
  readonly query: ResolveQuery;
  /** Rows to choose from; rows of other owners or providers are ignored, whatever is passed. */
  readonly candidates: readonly C[];
  readonly systemKeys: SystemKeys;
  readonly allowSystemKeys: boolean;
  readonly now: Date;
}

export type CredentialChoice<C extends CandidateCredential> =
  | {
      readonly source: "SESSION" | "ACCOUNT";
      readonly kind: CredentialKind;
      readonly credential: C;
    }
  | { readonly source: "SYSTEM"; readonly kind: CredentialKind; readonly secret: string };

/**
 * The session's key for the provider > the acting user's own credential > the system key (when
 * allowed) > null; within each owner in the agent kind's order of preference (the registry's:
 * SUBSCRIPTION before API_KEY). Expired credentials (unless refreshable) and
 * kinds the agent kind cannot use are skipped.
 */
export function chooseCredential<C extends CandidateCredential>(
  input: ChooseInput<C>,
): CredentialChoice<C> | null {
  const { query, now } = input;
  const usable = (row: C): boolean =>
    row.provider === query.provider &&
    (row.refreshable === true ||
      row.expiresAt === null ||
      row.expiresAt.getTime() > now.getTime()) &&
    agentCanUse(query.agentKind, row.provider, row.kind);
  const pick = (owns: (row: C) => boolean): C | undefined => {
    const rows = input.candidates.filter((row) => owns(row) && usable(row));
    // Within one owner, the agent kind's preference (a subscription, already paid for, first).
    for (const kind of usableKinds(query.agentKind, query.provider)) {
      const row = rows.find((candidate) => candidate.kind === kind);
      if (row !== undefined) return row;
    }
    return undefined;
  };

  const sessionKey = pick((row) => row.sessionId === query.sessionId && row.userId === null);
  if (sessionKey !== undefined)
    return { source: "SESSION", kind: sessionKey.kind, credential: sessionKey };

  const own = pick((row) => row.userId === query.actingUserId && row.sessionId === null);
  if (own !== undefined) return { source: "ACCOUNT", kind: own.kind, credential: own };

  const systemKey = input.systemKeys[query.provider]?.trim();
  const systemKind = SYSTEM_KEY_KINDS[query.provider];
  if (
    input.allowSystemKeys &&
    systemKey !== undefined &&
    systemKey !== "" &&
    agentCanUse(query.agentKind, query.provider, systemKind)
  ) {
    return { source: "SYSTEM", kind: systemKind, secret: systemKey };
  }
  return null;
}

/** The secret-free description of a choice. */
export function toResolution(
  provider: Provider,
  choice: CredentialChoice<CandidateCredential>,
): Resolution {
  if (choice.source === "SYSTEM") {
    return {
      source: "SYSTEM",
      provider,
      kind: choice.kind,
      credentialId: null,
      credentialVersion: null,
      hint: secretHint(choice.secret),
    };
  }
  return {
    source: choice.source,
    provider,
    kind: choice.kind,
    credentialId: choice.credential.id,
    credentialVersion: choice.credential.version,
    hint: choice.credential.hint,
  };
}
