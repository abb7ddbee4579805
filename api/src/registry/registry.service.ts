import {
  AGENT_KIND_LIST,
  agentKindDescriptor,
  credentialKindsOf,
  credentialSetup,
  defaultProviderOf,
  PROVIDER_LIST,
  pricedModels,
  providerDescriptor,
  providersOf,
  type AgentKind,
  type CredentialKind,
  type PricedModel,
  type Provider,
  type SystemKeys,
} from "@agentry/core";

/** One credential format, as the schema shows it. */
export interface CredentialFormatRecord {
  readonly kind: CredentialKind;
  readonly name: string;
  readonly inputLabel: string;
  readonly description: string;
  readonly prefixes: readonly string[];
  readonly placeholder: string;
  readonly multiline: boolean;
}

/** A provider, as the schema shows it. */
export interface ProviderRecord {
  readonly provider: Provider;
  readonly label: string;
  readonly credentialKinds: readonly CredentialKind[];
  readonly credentialFormats: readonly CredentialFormatRecord[];
  readonly defaultModel: string;
  readonly models: readonly PricedModel[];
  readonly systemKeyAvailable: boolean;
}

/** One credential an agent kind can use, with its setup steps. */
export interface CredentialSetupRecord {
  readonly provider: Provider;
  readonly kind: CredentialKind;
  readonly instructions: string;
  readonly steps: readonly string[];
}

/** An agent kind, as the schema shows it. */
export interface AgentKindRecord {
  readonly kind: AgentKind;
  readonly label: string;
  readonly description: string;
  readonly providers: readonly Provider[];
  readonly defaultProvider: Provider;
  readonly credentialKinds: readonly CredentialKind[];
  readonly runnable: boolean;
  readonly command: string | null;
  readonly setup: readonly CredentialSetupRecord[];
}

export interface RegistryConfig {
  readonly systemKeys: SystemKeys;
  readonly allowSystemKeys: boolean;
}

/** The registry, shaped for the schema once per process: it changes only with a deployment. */
export class RegistryService {
  private readonly agentKindList: readonly AgentKindRecord[];
  private readonly providerList: readonly ProviderRecord[];

  constructor(config: RegistryConfig) {
    this.agentKindList = AGENT_KIND_LIST.map((kind) => {
      const descriptor = agentKindDescriptor(kind);
      return {
        kind,
        label: descriptor.label,
        description: descriptor.description,
        providers: providersOf(kind),
        defaultProvider: defaultProviderOf(kind),
        credentialKinds: credentialKindsOf(kind),
        runnable: descriptor.runnable,
        command: descriptor.runs.via === "cli" ? descriptor.runs.command : null,
        setup: credentialSetup(kind).map(({ provider, kind: credentialKind, format }) => ({
          provider,
          kind: credentialKind,
          instructions: format.steps.join(" "),
          steps: format.steps,
        })),
      };
    });
    this.providerList = PROVIDER_LIST.map((provider) => {
      const descriptor = providerDescriptor(provider);
      const systemKey = config.systemKeys[provider]?.trim() ?? "";
      return {
        provider,
        label: descriptor.label,
        credentialKinds: descriptor.credentials.map((format) => format.kind),
        credentialFormats: descriptor.credentials.map((format) => ({
          kind: format.kind,
          name: format.name,
          inputLabel: format.inputLabel,
          description: format.description,
          prefixes: format.prefixes,
          placeholder: format.placeholder,
          multiline: format.multiline,
        })),
        defaultModel: descriptor.defaultModel,
        models: pricedModels(provider),
        systemKeyAvailable: config.allowSystemKeys && systemKey !== "",
      };
    });
  }

  agentKinds(): readonly AgentKindRecord[] {
    return this.agentKindList;
  }

  providers(): readonly ProviderRecord[] {
    return this.providerList;
  }
}
