import { Ctx, Query, Resolver } from "type-graphql";
import { listComplexity } from "../graphql/complexity.js";
import { requireViewer, type RequestContext } from "../graphql/context.js";
import type { AgentKindRecord, ProviderRecord, RegistryService } from "./registry.service.js";
import { AgentKindInfoType, ProviderInfoType, REGISTRY_LENGTHS } from "./registry.types.js";

/** The registry of agent kinds and providers, for anyone signed in. */
@Resolver()
export class RegistryResolver {
  constructor(private readonly registry: RegistryService) {}

  @Query(() => [AgentKindInfoType], {
    description:
      "Every agent kind: its name, the providers and credentials it runs with, whether it can be spawned, and how to set up each credential.",
    complexity: listComplexity(REGISTRY_LENGTHS.agentKinds),
  })
  agentKinds(@Ctx() ctx: RequestContext): readonly AgentKindRecord[] {
    requireViewer(ctx);
    return this.registry.agentKinds();
  }

  @Query(() => [ProviderInfoType], {
    description:
      "Every provider: its name, its credential kinds and how they look, its default model, and whether a system-wide key is available.",
    complexity: listComplexity(REGISTRY_LENGTHS.providers),
  })
  providers(@Ctx() ctx: RequestContext): readonly ProviderRecord[] {
    requireViewer(ctx);
    return this.registry.providers();
  }
}
