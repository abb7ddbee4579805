import "reflect-metadata";
import { createPubSub } from "@graphql-yoga/subscription";
import { GraphQLSchema, type GraphQLFieldResolver } from "graphql";
import { buildSchema, type ClassType } from "type-graphql";
import { AdminResolver, UserFieldsResolver } from "../admin/admin.resolver.js";
import { AgentCommandResolver } from "../agents/agent-command.resolver.js";
import { AgentLogsResolver } from "../agents/agent-logs.resolver.js";
import { AgentLookupResolver } from "../agents/agent-lookup.resolver.js";
import { AgentResolver, agentEventOf } from "../agents/agent.resolver.js";
import { AuthResolver } from "../auth/auth.resolver.js";
import { CredentialVerificationResolver } from "../credentials/credential-verification.resolver.js";
import { CredentialResolver } from "../credentials/credential.resolver.js";
import { RegistryResolver } from "../registry/registry.resolver.js";
import { RepositoryResolver } from "../repository/repository.resolver.js";
import { SessionFieldsResolver } from "../sessions/session-fields.resolver.js";
import { SessionResolver } from "../sessions/session.resolver.js";
import { CodeSignInResolver, DeviceSignInResolver } from "../sign-in/sign-in.resolver.js";
import { sessionUsageOf, UsageResolver } from "../usage/usage.resolver.js";
import type { AgentEventPayload } from "@agentry/core";
import type { SessionUsageUpdate } from "../realtime/realtime.service.js";
import type { Services } from "../services.js";
import { ResolverContainer } from "./container.js";
import { ErrorCodeEnum } from "./error-code.js";
import "./enums.js";

interface ResolverBinding {
  readonly type: ClassType;
  readonly create: (services: Services) => object;
}

const bind = <T extends object>(
  type: ClassType<T>,
  create: (services: Services) => T,
): ResolverBinding => ({
  type,
  create,
});

/** Every resolver and how it is built from the services: the schema and the container both come from here. */
const RESOLVERS = [
  bind(AuthResolver, (s) => new AuthResolver(s.auth, s.apiTokens)),
  bind(SessionResolver, (s) => new SessionResolver(s.sessions, s.members)),
  bind(SessionFieldsResolver, (s) => new SessionFieldsResolver(s.usage)),
  bind(CredentialResolver, (s) => new CredentialResolver(s.credentials, s.access)),
  bind(CredentialVerificationResolver, (s) => new CredentialVerificationResolver(s.verifications)),
  bind(AgentResolver, (s) => new AgentResolver(s.agents)),
  bind(AgentLookupResolver, (s) => new AgentLookupResolver(s.agents, s.access)),
  bind(AgentLogsResolver, (s) => new AgentLogsResolver(s.agentRunLogs, s.access)),
  bind(AgentCommandResolver, (s) => new AgentCommandResolver(s.agentCommands, s.access)),
  bind(UsageResolver, () => new UsageResolver()),
  bind(AdminResolver, (s) => new AdminResolver(s.admin)),
  bind(UserFieldsResolver, () => new UserFieldsResolver()),
  bind(RegistryResolver, (s) => new RegistryResolver(s.registry)),
  bind(RepositoryResolver, (s) => new RepositoryResolver(s.repository)),
  bind(DeviceSignInResolver, (s) => new DeviceSignInResolver(s.signIns)),
  bind(CodeSignInResolver, (s) => new CodeSignInResolver(s.signIns)),
] as const;

export function createResolverContainer(services: Services): ResolverContainer {
  const container = new ResolverContainer();
  for (const binding of RESOLVERS) container.register(binding.type, binding.create(services));
  return container;
}

/**
 * The resolvers of the subscriptions' fields, which run once per event, as plain functions.
 * type-graphql passes the arguments of a resolver that takes them through its argument
 * validation, an async function even with validation off: every event's execution became
 * asynchronous, about ten promises and a sixth of an event's CPU on the fan-out path. These are
 * the decorated methods' own functions, called with the arguments graphql-js hands over
 * (already coerced to the declared types).
 */
const EVENT_RESOLVERS: Readonly<
  Record<string, GraphQLFieldResolver<unknown, unknown, Record<string, unknown>>>
> = {
  agentEvents: (event, args) => agentEventOf(event as AgentEventPayload, String(args["agentId"])),
  sessionUsage: (update, args) =>
    sessionUsageOf(update as SessionUsageUpdate, String(args["sessionId"])),
};

/**
 * Builds the schema. Without services (schema emission) resolvers are never instantiated.
 * type-graphql insists on a pubSub when subscriptions exist; it goes unused, since every
 * subscription here has its own `subscribe` (RealtimeService, through the context).
 */
export async function buildApiSchema(services?: Services): Promise<GraphQLSchema> {
  const [first, ...rest] = RESOLVERS;
  const built = await buildSchema({
    resolvers: [first.type, ...rest.map((binding) => binding.type)],
    ...(services === undefined ? {} : { container: createResolverContainer(services) }),
    pubSub: createPubSub(),
    validate: false,
    emitSchemaFile: false,
  });
  // ErrorCode documents extensions.code; no field returns it, so type-graphql would leave it out.
  const config = built.toConfig();
  const schema = new GraphQLSchema({ ...config, types: [...config.types, ErrorCodeEnum] });
  const subscriptions = schema.getSubscriptionType()?.getFields() ?? {};
  for (const [name, resolve] of Object.entries(EVENT_RESOLVERS)) {
    const field = subscriptions[name];
    if (field === undefined) throw new Error(`schema: no subscription ${name}`);
    field.resolve = resolve;
  }
  return schema;
}
