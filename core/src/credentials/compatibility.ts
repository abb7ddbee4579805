import type { AgentKind, CredentialKind, Provider } from "../domain/enums.js";
import {
  byAgentKind,
  byProvider,
  credentialKindsOf,
  PROVIDER_REGISTRY,
  providersOf,
  usableKinds,
} from "../registry/index.js";

// The credential tables, derived from the registry (core/src/registry): kept under their names
// for the code that reads them; a provider or agent kind is registered there, not here.

/** What each agent kind can run with: its providers, and the credential kinds it can use. */
export interface AgentCredentialSupport {
  readonly providers: readonly Provider[];
  readonly kinds: readonly CredentialKind[];
}

/**
 * The compatibility table. The chat agent calls provider APIs with an API key only; each CLI
 * takes its provider's subscription token or API key as that CLI supports them. Which kinds go
 * with which provider is per pair: ask agentCanUse.
 */
export const AGENT_CREDENTIALS: Readonly<Record<AgentKind, AgentCredentialSupport>> = byAgentKind(
  (_descriptor, kind) => ({ providers: providersOf(kind), kinds: credentialKindsOf(kind) }),
);

/** Whether an agent of `agentKind` can run with `provider` at all (spawnAgent checks this). */
export function agentSupportsProvider(agentKind: AgentKind, provider: Provider): boolean {
  return providersOf(agentKind).includes(provider);
}

/** Whether an agent of `agentKind` can run with a `kind` credential of `provider`. */
export function agentCanUse(
  agentKind: AgentKind,
  provider: Provider,
  kind: CredentialKind,
): boolean {
  return usableKinds(agentKind, provider).includes(kind);
}

/** The kind a system-wide key from the environment has. */
export const SYSTEM_KEY_KINDS: Readonly<Record<Provider, CredentialKind>> = byProvider(
  (descriptor) => descriptor.systemKey.kind,
);

/** The name of each provider's system-key environment variable. */
export type SystemKeyVariable = (typeof PROVIDER_REGISTRY)[Provider]["systemKey"]["variable"];

/** The environment variable that holds each provider's system-wide key. */
export const SYSTEM_KEY_VARIABLES: Readonly<Record<Provider, SystemKeyVariable>> = byProvider(
  (_descriptor, provider) => PROVIDER_REGISTRY[provider].systemKey.variable,
);

/** The credential kinds each provider has at all (Gemini has no subscription token here). */
export const PROVIDER_CREDENTIAL_KINDS: Readonly<Record<Provider, readonly CredentialKind[]>> =
  byProvider((descriptor) => descriptor.credentials.map((format) => format.kind));

/** How an agent kind is named to people. */
export const AGENT_KIND_LABELS: Readonly<Record<AgentKind, string>> = byAgentKind(
  (descriptor) => descriptor.label,
);
