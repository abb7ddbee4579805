import type { AgentKind, CredentialKind, Provider, RegistryQuery } from "../gql/graphql.js";

// The api's registry of agent kinds and providers (one Registry query), with the questions the
// screens ask of it. Nothing here knows a provider or an agent kind by name: a new one the api
// registers shows up everywhere without a change here.

export type AgentKindInfo = RegistryQuery["agentKinds"][number];
export type ProviderInfo = RegistryQuery["providers"][number];
export type CredentialFormat = ProviderInfo["credentialFormats"][number];
export type CredentialSetup = AgentKindInfo["setup"][number];

export interface Registry {
  readonly agentKinds: readonly AgentKindInfo[];
  readonly providers: readonly ProviderInfo[];
  agentKind(kind: AgentKind): AgentKindInfo | undefined;
  provider(provider: Provider): ProviderInfo | undefined;
  /** "Claude Code"; the enum value itself for a kind the registry does not list. */
  agentKindLabel(kind: AgentKind): string;
  /** "Anthropic"; the enum value itself for a provider the registry does not list. */
  providerLabel(provider: Provider): string;
  credentialFormat(provider: Provider, kind: CredentialKind): CredentialFormat | undefined;
  /** "Claude subscription token", "Anthropic API key". */
  credentialName(provider: Provider, kind: CredentialKind): string;
  /** The kinds spawnAgent accepts, in the registry's order. */
  runnableKinds(): readonly AgentKindInfo[];
  /** The agent kinds that run with a provider, in the registry's order. */
  agentKindsFor(provider: Provider): readonly AgentKind[];
  /** The agent a provider's key status is shown for first: the first that runs with it. */
  defaultAgentKind(provider: Provider): AgentKind;
}

export function createRegistry(data: RegistryQuery): Registry {
  const agentKind = (kind: AgentKind) => data.agentKinds.find((info) => info.kind === kind);
  const provider = (value: Provider) => data.providers.find((info) => info.provider === value);
  const credentialFormat = (value: Provider, kind: CredentialKind) =>
    provider(value)?.credentialFormats.find((format) => format.kind === kind);
  const agentKindsFor = (value: Provider): readonly AgentKind[] =>
    data.agentKinds.filter((info) => info.providers.includes(value)).map((info) => info.kind);
  const providerLabel = (value: Provider): string => provider(value)?.label ?? value;
  return {
    agentKinds: data.agentKinds,
    providers: data.providers,
    agentKind,
    provider,
    agentKindLabel: (kind) => agentKind(kind)?.label ?? kind,
    providerLabel,
    credentialFormat,
    credentialName: (value, kind) =>
      credentialFormat(value, kind)?.name ?? `${providerLabel(value)} ${kind}`,
    runnableKinds: () => data.agentKinds.filter((info) => info.runnable),
    agentKindsFor,
    defaultAgentKind: (value) => agentKindsFor(value)[0] ?? data.agentKinds[0]?.kind ?? "CHAT",
  };
}

/** The id of an agent kind's panel under Agent Credentials: "agent-claude-code". */
export const agentPanelId = (kind: AgentKind): string =>
  `agent-${kind.toLowerCase().replaceAll("_", "-")}`;

/** Where an agent kind's credentials are set up. */
export const agentCredentialsPath = (kind: AgentKind): string =>
  `/account/agent-credentials#${agentPanelId(kind)}`;

/**
 * How to replace a refused subscription of an agent: the registry's steps for the agent's
 * subscription with `provider` (else its first credential for it), and a link to its panel.
 */
export function credentialFixFor(
  registry: Registry,
  kind: AgentKind,
  provider: Provider,
): { readonly steps: readonly string[]; readonly label: string; readonly href: string } {
  const setup = registry.agentKind(kind)?.setup.filter((entry) => entry.provider === provider);
  const entry = setup?.find((candidate) => candidate.kind === "SUBSCRIPTION") ?? setup?.[0];
  return {
    steps: entry?.steps ?? [],
    label: `${registry.agentKindLabel(kind)} credentials`,
    href: agentCredentialsPath(kind),
  };
}
