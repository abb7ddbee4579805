import type { RepositoryUrlRules, SealingVault, SignInStore } from "@agentry/core";
import type { PrismaClient } from "@agentry/prisma";
import type { Logger } from "pino";
import { AdminService } from "./admin/admin.service.js";
import { AgentCommandService } from "./agents/agent-command.service.js";
import type { AgentRunLogReader } from "./agents/agent-logs.resolver.js";
import type { AgentQueues } from "./agents/agent-queues.js";
import { AgentService } from "./agents/agent.service.js";
import { AuditService } from "./audit/audit.service.js";
import { ApiTokenService } from "./auth/api-token.service.js";
import { AuthService, type AuthConfig } from "./auth/auth.service.js";
import type { SignInGuard } from "./auth/sign-in-guard.js";
import type { TokenRevocations } from "./auth/token-revocations.js";
import type { CredentialChecks } from "./credentials/credential-checks.js";
import { CredentialVerificationService } from "./credentials/credential-verification.service.js";
import { CredentialService, type ResolveConfig } from "./credentials/credential.service.js";
import type { TopicPubSub } from "./graphql/pubsub.js";
import {
  RealtimeService,
  type AgentEventHistory,
  type RealtimeOptions,
} from "./realtime/realtime.service.js";
import { RegistryService } from "./registry/registry.service.js";
import { RepositoryService } from "./repository/repository.service.js";
import { SessionAccessService } from "./sessions/session-access.service.js";
import { SessionMemberService } from "./sessions/session-member.service.js";
import { SessionService } from "./sessions/session.service.js";
import { SignInService, type SignInConfig } from "./sign-in/sign-in.service.js";
import { UsageService } from "./usage/usage.service.js";

/** Every service of the api, built once per process by createServices. */
export interface Services {
  readonly audit: AuditService;
  readonly auth: AuthService;
  readonly apiTokens: ApiTokenService;
  readonly access: SessionAccessService;
  readonly sessions: SessionService;
  readonly members: SessionMemberService;
  readonly credentials: CredentialService;
  readonly verifications: CredentialVerificationService;
  readonly usage: UsageService;
  readonly agents: AgentService;
  readonly agentCommands: AgentCommandService;
  /** Agents' recent runs, as the worker recorded them (Agent.logs). */
  readonly agentRunLogs: AgentRunLogReader;
  readonly admin: AdminService;
  readonly realtime: RealtimeService;
  readonly registry: RegistryService;
  readonly repository: RepositoryService;
  readonly signIns: SignInService;
}

export interface ServiceDeps {
  readonly prisma: PrismaClient;
  readonly vault: SealingVault;
  readonly pubsub: TopicPubSub;
  readonly agentEventHistory: AgentEventHistory;
  readonly agentRunLogs: AgentRunLogReader;
  readonly logger: Logger;
  readonly auth: AuthConfig;
  /** Sign-in and sign-up rate limits and the bounded password-hashing queue. */
  readonly signInGuard: SignInGuard;
  /** Tells every api process about revoked tokens (their sockets are closed). */
  readonly revocations: TokenRevocations;
  readonly resolve: ResolveConfig;
  /** Which repository URLs sessions accept (loopback only in tests). */
  readonly repositories?: RepositoryUrlRules;
  /** A credential expiring within this many days is EXPIRING (default 7). */
  readonly credentialExpiringDays?: number;
  /** A secret older than this many days is due for rotation (default 90; 0 never). */
  readonly credentialRotationDays?: number;
  readonly realtime?: RealtimeOptions;
  readonly queues: AgentQueues;
  /** Checks that need a secret opened, run by the worker and awaited (verifyCredential). */
  readonly credentialChecks: CredentialChecks;
  /** Sign-in flows' state in Redis, and where a code sign-in sends the user. */
  readonly signInFlows: SignInStore;
  readonly signIn: SignInConfig;
}

export function createServices(deps: ServiceDeps): Services {
  const { prisma } = deps;
  const audit = new AuditService(prisma);
  const auth = new AuthService(prisma, audit, deps.auth, deps.signInGuard, deps.revocations);
  const access = new SessionAccessService(prisma);
  const credentials = new CredentialService(prisma, deps.vault, audit, access, deps.resolve, {
    expiringDays: deps.credentialExpiringDays ?? 7,
    rotationDays: deps.credentialRotationDays ?? 90,
  });
  const usage = new UsageService(prisma);
  return {
    audit,
    auth,
    apiTokens: new ApiTokenService(prisma, audit, deps.revocations),
    access,
    sessions: new SessionService(
      prisma,
      access,
      credentials,
      audit,
      deps.queues,
      deps.repositories ?? {},
    ),
    members: new SessionMemberService(prisma, access, audit),
    credentials,
    verifications: new CredentialVerificationService(prisma, access, deps.credentialChecks),
    usage,
    agents: new AgentService(prisma),
    agentCommands: new AgentCommandService(prisma, access, deps.queues),
    agentRunLogs: deps.agentRunLogs,
    admin: new AdminService(prisma, audit, deps.revocations, deps.queues),
    realtime: new RealtimeService(
      deps.pubsub,
      access,
      auth,
      usage,
      deps.agentEventHistory,
      deps.logger.child({ component: "realtime" }),
      deps.realtime,
    ),
    registry: new RegistryService(deps.resolve),
    repository: new RepositoryService(prisma, access, deps.credentialChecks),
    signIns: new SignInService(
      prisma,
      deps.vault,
      deps.signInFlows,
      access,
      deps.credentialChecks,
      deps.signIn,
    ),
  };
}
