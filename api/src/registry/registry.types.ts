import {
  AGENT_KIND_LIST,
  AgentKind,
  CredentialKind,
  credentialSetup,
  Provider,
  PROVIDER_LIST,
  pricedModels,
  providerDescriptor,
} from "@agentry/core";
import { Field, ObjectType } from "type-graphql";
import { listComplexity } from "../graphql/complexity.js";

// The registry (core/src/registry) as the schema shows it: what clients need to name providers
// and agent kinds, offer the right ones, and tell people how to set up their credentials.

// The lists' lengths, for the cost estimate, taken from the registry itself.
const FORMATS = PROVIDER_LIST.flatMap((provider) => providerDescriptor(provider).credentials);
const most = (lengths: readonly number[]): number => Math.max(1, ...lengths);
export const REGISTRY_LENGTHS = {
  providers: PROVIDER_LIST.length,
  agentKinds: AGENT_KIND_LIST.length,
  credentialKinds: Object.keys(CredentialKind).length,
  prefixes: most(FORMATS.map((format) => format.prefixes.length)),
  steps: most(FORMATS.map((format) => format.steps.length)),
  setups: most(AGENT_KIND_LIST.map((kind) => credentialSetup(kind).length)),
  models: most(PROVIDER_LIST.map((provider) => pricedModels(provider).length)),
} as const;

@ObjectType("CredentialFormat", {
  description: "How one kind of a provider's credentials looks: for forms and instructions.",
})
export class CredentialFormatType {
  @Field(() => CredentialKind, { description: "Which kind of credential." })
  kind!: CredentialKind;

  @Field(() => String, {
    description:
      'What it is called, on its own, e.g. "Claude subscription token", "Anthropic API key".',
  })
  name!: string;

  @Field(() => String, {
    description: 'The label of the field it is pasted into, e.g. "Claude Code token".',
  })
  inputLabel!: string;

  @Field(() => String, { description: "What it looks like, in one sentence." })
  description!: string;

  @Field(() => [String], {
    description: "The public prefixes it starts with; empty when it has none.",
    complexity: listComplexity(REGISTRY_LENGTHS.prefixes),
  })
  prefixes!: readonly string[];

  @Field(() => String, { description: "The shape to show in an empty field (never a secret)." })
  placeholder!: string;

  @Field(() => Boolean, {
    description: "Whether it is a whole file pasted as several lines (an auth.json).",
  })
  multiline!: boolean;
}

@ObjectType("ProviderInfo", { description: "An AI provider, as the registry describes it." })
export class ProviderInfoType {
  @Field(() => Provider, { description: "The provider." })
  provider!: Provider;

  @Field(() => String, { description: 'How it is named to people, e.g. "Anthropic".' })
  label!: string;

  @Field(() => [CredentialKind], {
    description: "The credential kinds it has, the one agents prefer first.",
    complexity: listComplexity(REGISTRY_LENGTHS.credentialKinds),
  })
  credentialKinds!: readonly CredentialKind[];

  @Field(() => [CredentialFormatType], {
    description: "How each of its credential kinds looks, in the order of credentialKinds.",
    complexity: listComplexity(REGISTRY_LENGTHS.credentialKinds),
  })
  credentialFormats!: readonly CredentialFormatType[];

  @Field(() => String, { description: "The model an agent gets when spawned without one." })
  defaultModel!: string;

  @Field(() => [ModelOptionType], {
    description:
      "The models the price catalogue knows for it (its own, deprecated ones left out, the default first): their calls' cost is estimated. Any other model may be given to spawnAgent; its calls are counted, unpriced.",
    complexity: listComplexity(REGISTRY_LENGTHS.models),
  })
  models!: readonly ModelOptionType[];

  @Field(() => Boolean, {
    description:
      "Whether the operator's system-wide key for it may be used by your agents (it is set and system keys are allowed). Never says more about the key.",
  })
  systemKeyAvailable!: boolean;
}

@ObjectType("ModelOption", { description: "A model an agent can be spawned with." })
export class ModelOptionType {
  @Field(() => String, { description: "What spawnAgent takes as `model`." })
  id!: string;

  @Field(() => String, { description: "Its name for people." })
  name!: string;
}

@ObjectType("CredentialSetup", {
  description: "One credential an agent kind can run with, and how a person sets it up.",
})
export class CredentialSetupType {
  @Field(() => Provider, { description: "Whose credential it is." })
  provider!: Provider;

  @Field(() => CredentialKind, { description: "Which kind of credential." })
  kind!: CredentialKind;

  @Field(() => String, {
    description:
      "How to get it and add it, as one text; commands and file names are in `backticks`.",
  })
  instructions!: string;

  @Field(() => [String], {
    description: "The same instructions as steps, in order.",
    complexity: listComplexity(REGISTRY_LENGTHS.steps),
  })
  steps!: readonly string[];
}

@ObjectType("AgentKindInfo", { description: "An agent kind, as the registry describes it." })
export class AgentKindInfoType {
  @Field(() => AgentKind, { description: "The agent kind." })
  kind!: AgentKind;

  @Field(() => String, { description: 'How it is named to people, e.g. "Claude Code".' })
  label!: string;

  @Field(() => String, { description: "What it is and what it runs with, in one sentence." })
  description!: string;

  @Field(() => [Provider], {
    description: "The providers it runs with; spawnAgent refuses the others.",
    complexity: listComplexity(REGISTRY_LENGTHS.providers),
  })
  providers!: readonly Provider[];

  @Field(() => Provider, {
    description: "The provider spawnAgent picks when neither a provider nor a model is given.",
  })
  defaultProvider!: Provider;

  @Field(() => [CredentialKind], {
    description: "The credential kinds it can use (with some of its providers), preferred first.",
    complexity: listComplexity(REGISTRY_LENGTHS.credentialKinds),
  })
  credentialKinds!: readonly CredentialKind[];

  @Field(() => Boolean, { description: "Whether spawnAgent accepts it." })
  runnable!: boolean;

  @Field(() => String, {
    nullable: true,
    description: "The CLI it runs, headless, once per message; null for the built-in chat agent.",
  })
  command!: string | null;

  @Field(() => [CredentialSetupType], {
    description:
      "Every credential it can run with, by provider, each provider's preferred one first; a message uses the first one available.",
    complexity: listComplexity(REGISTRY_LENGTHS.setups),
  })
  setup!: readonly CredentialSetupType[];
}
