// STUB — signatures fixed; the core helper implements.
import type { AgentKind, CredentialKind, KeySource, Provider } from "../domain/enums.js";
import type { Vault } from "../crypto/vault.js";
import type { PrismaClient } from "@agentry/prisma";

export interface SystemKeys {
  readonly ANTHROPIC?: string | undefined;
  readonly OPENAI?: string | undefined;
  readonly GEMINI?: string | undefined;
  readonly GITHUB_COPILOT?: string | undefined;
}
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
export interface ResolveDeps {
  readonly prisma: PrismaClient;
  readonly systemKeys: SystemKeys;
  readonly allowSystemKeys: boolean;
}
/** session key > acting user's own (subscription before API key) > system key (if allowed) > null. */
export declare function resolveCredential(deps: ResolveDeps, query: ResolveQuery): Promise<Resolution | null>;
/** As resolveCredential, but throws AppError NO_API_KEY ("No API key configured for this session", details.hint) when nothing resolves. */
export declare function requireCredential(deps: ResolveDeps, query: ResolveQuery): Promise<Resolution>;
/**
 * Worker only: resolves and decrypts in one step, at the start of a message run, and stamps the
 * credential's lastUsedAt. Throws NO_API_KEY like requireCredential.
 */
export declare function resolveForRun(
  deps: ResolveDeps & { readonly vault: Vault },
  query: ResolveQuery,
): Promise<{ readonly resolution: Resolution; readonly secret: string }>;
