import type { AgentKind, CredentialKind, Provider } from "../domain/enums.js";
import { AGENT_KIND_REGISTRY, type AgentKindDescriptor } from "./agent-kinds.js";
import { PROVIDER_REGISTRY, type CredentialFormat, type ProviderDescriptor } from "./providers.js";

// The registry: one descriptor per provider (providers.ts) and per agent kind (agent-kinds.ts),
// and the questions the rest of the system asks of them. Adding a provider or an agent kind is
// one registration there (plus its enum value, which mirrors the database's).

export * from "./agent-kinds.js";
export * from "./providers.js";

// Object.keys loses the key type; the registries are typed over exactly these keys.
const keysOf = <K extends string>(record: Readonly<Record<K, unknown>>): readonly K[] =>
  Object.keys(record) as K[];

/** Every provider, in the order people see them. */
export const PROVIDER_LIST: readonly Provider[] = keysOf(PROVIDER_REGISTRY);
/** Every agent kind, in the order people see them. */
export const AGENT_KIND_LIST: readonly AgentKind[] = keysOf(AGENT_KIND_REGISTRY);

/** A table over every provider, each value taken from its descriptor. */
export function byProvider<T>(
  pick: (descriptor: ProviderDescriptor, provider: Provider) => T,
): Readonly<Record<Provider, T>> {
  return Object.fromEntries(
    PROVIDER_LIST.map((provider) => [provider, pick(PROVIDER_REGISTRY[provider], provider)]),
  ) as Record<Provider, T>;
}

/** A table over every agent kind, each value taken from its descriptor. */
export function byAgentKind<T>(
  pick: (descriptor: AgentKindDescriptor, kind: AgentKind) => T,
): Readonly<Record<AgentKind, T>> {
  return Object.fromEntries(
    AGENT_KIND_LIST.map((kind) => [kind, pick(AGENT_KIND_REGISTRY[kind], kind)]),
  ) as Record<AgentKind, T>;
}

/** How each credential kind is named in messages ("an Anthropic API key"). */
export const CREDENTIAL_KIND_NAMES = {
  API_KEY: "API key",
  SUBSCRIPTION: "subscription",
} as const satisfies Record<CredentialKind, string>;

export function providerDescriptor(provider: Provider): ProviderDescriptor {
  return PROVIDER_REGISTRY[provider];
}

export function agentKindDescriptor(kind: AgentKind): AgentKindDescriptor {
  return AGENT_KIND_REGISTRY[kind];
}

/** The providers an agent kind runs with; the first is its default. */
export function providersOf(kind: AgentKind): readonly Provider[] {
  return agentKindDescriptor(kind).uses.map((use) => use.provider);
}

/** The provider an agent kind calls when neither a provider nor a model says otherwise. */
export function defaultProviderOf(kind: AgentKind): Provider {
  const [first] = providersOf(kind);
  // A kind with no provider cannot be registered usefully; the registry test rules it out.
  if (first === undefined) throw new Error(`${kind} has no provider in the registry`);
  return first;
}

/** The credential kinds an agent kind can use with `provider`, most preferred first ([] if none). */
export function usableKinds(kind: AgentKind, provider: Provider): readonly CredentialKind[] {
  return agentKindDescriptor(kind).uses.find((use) => use.provider === provider)?.kinds ?? [];
}

/** Every credential kind an agent kind can use with any of its providers, in preference order. */
export function credentialKindsOf(kind: AgentKind): readonly CredentialKind[] {
  const kinds = agentKindDescriptor(kind).uses.flatMap((use) => use.kinds);
  return (["SUBSCRIPTION", "API_KEY"] as const).filter((k) => kinds.includes(k));
}

/** The first agent kind (in registry order) that runs with `provider`, if any. */
export function firstAgentKindFor(provider: Provider): AgentKind | undefined {
  return AGENT_KIND_LIST.find((kind) => providersOf(kind).includes(provider));
}

/** The provider a model name belongs to, when its name says so. */
export function providerOfModel(model: string): Provider | null {
  return (
    PROVIDER_LIST.find((p) => providerDescriptor(p).modelPattern?.test(model) === true) ?? null
  );
}

/** How a provider's credential of `kind` looks, or undefined when the provider has none. */
export function credentialFormat(
  provider: Provider,
  kind: CredentialKind,
): CredentialFormat | undefined {
  return providerDescriptor(provider).credentials.find((format) => format.kind === kind);
}

/** One credential an agent kind can run with, and how a person sets it up. */
export interface CredentialSetup {
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly format: CredentialFormat;
}

/** The credentials an agent kind can run with, by provider, each provider's most preferred first. */
export function credentialSetup(kind: AgentKind): readonly CredentialSetup[] {
  return agentKindDescriptor(kind).uses.flatMap((use) =>
    use.kinds.flatMap((credentialKind) => {
      const format = credentialFormat(use.provider, credentialKind);
      return format === undefined ? [] : [{ provider: use.provider, kind: credentialKind, format }];
    }),
  );
}
