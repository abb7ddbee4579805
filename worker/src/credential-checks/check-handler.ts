import type { CredentialCheckKind, Logger } from "@agentry/core";
import type { Vault } from "@agentry/core/secrets";
import type { PrismaClient } from "@agentry/prisma";
import type { Redis } from "ioredis";
import type { WorkerEnv } from "../config.js";
import type { AgentRuntime } from "../runtime/runtime.js";
import type { SignInPollScheduler } from "../sign-in/sign-in-polls.js";

// What a credential check's handler is given and what it is (see handlers.ts to add one).

/** Everything a handler may use: the worker's clients, its vault (opens secrets) and config. */
export interface CredentialCheckDeps {
  readonly prisma: PrismaClient;
  readonly vault: Vault;
  readonly redis: Redis;
  readonly env: WorkerEnv;
  readonly logger: Logger;
  /** Prefix of this worker's queues and Redis keys ("" in production), e.g. sign-in flows'. */
  readonly namespace: string;
  /** Adds a device sign-in's next poll (a delayed job on the sign-in-polls queue). */
  readonly signInPolls: SignInPollScheduler;
  /** Where agents run: the repository checks run git in an agent's workspace. */
  readonly runtime?: AgentRuntime;
}

/**
 * One kind of check and how to run it. The handler gets the job's data parsed with the kind's
 * schema; it returns the result (checked against the kind's result schema) or throws an AppError,
 * which the caller receives as is. Its message and details reach the user: no secret in them.
 */
export interface CredentialCheckHandler {
  readonly name: string;
  run(data: unknown): Promise<unknown>;
}

/** A handler bound to its kind: data and result are checked against the kind's schemas. */
export function bindCheck<Data, Result>(
  kind: CredentialCheckKind<Data, Result>,
  handle: (data: Data) => Promise<Result>,
): CredentialCheckHandler {
  return {
    name: kind.name,
    run: async (data) => kind.result.parse(await handle(kind.data.parse(data))),
  };
}

/** How handlers.ts lists a handler: its kind, and how to build it on the worker's clients. */
export function checkHandler<Data, Result>(
  kind: CredentialCheckKind<Data, Result>,
  build: (deps: CredentialCheckDeps) => (data: Data) => Promise<Result>,
): CredentialCheckHandlerFactory {
  return (deps) => bindCheck(kind, build(deps));
}

export type CredentialCheckHandlerFactory = (deps: CredentialCheckDeps) => CredentialCheckHandler;
