import {
  AppError,
  credentialCheckEnvelopeSchema,
  isAppError,
  type CredentialCheckOutcome,
  type Logger,
} from "@agentry/core";
import { UnrecoverableError, type Job } from "bullmq";
import type { CredentialCheckDeps, CredentialCheckHandler } from "./check-handler.js";
import { CREDENTIAL_CHECK_HANDLERS } from "./handlers.js";

/** Every registered check, built on the worker's clients. */
export const buildCheckHandlers = (deps: CredentialCheckDeps): CredentialCheckHandler[] =>
  CREDENTIAL_CHECK_HANDLERS.map((factory) => factory(deps));

/**
 * The credential-check job: the handler named by the job, its data parsed at the boundary, its
 * result or AppError returned as the job's outcome (the api awaits it). A job found past its
 * deadline is not run: its caller has stopped waiting. An unknown kind or payload, or an error
 * that is not an AppError, fails the job (the api answers INTERNAL); nothing is retried.
 */
export function createCredentialCheckProcessor(
  list: readonly CredentialCheckHandler[],
  logger: Logger,
) {
  const handlers = new Map<string, CredentialCheckHandler>();
  for (const handler of list) {
    if (handlers.has(handler.name)) throw new Error(`two handlers for check ${handler.name}`);
    handlers.set(handler.name, handler);
  }
  const log = logger.child({ component: "credential-checks" });
  return async function processCredentialCheck(job: Job): Promise<CredentialCheckOutcome> {
    const handler = handlers.get(job.name);
    if (handler === undefined) throw new UnrecoverableError(`unknown credential check ${job.name}`);
    const envelope = credentialCheckEnvelopeSchema.safeParse(job.data);
    if (!envelope.success) throw new UnrecoverableError("invalid credential check payload");
    if (Date.now() > envelope.data.deadline) {
      log.info({ jobId: job.id, check: job.name }, "credential check past its deadline: not run");
      return failure(new AppError("UNAVAILABLE", "The check was not run in time"));
    }
    try {
      return { ok: true, result: await handler.run(envelope.data.data) };
    } catch (error) {
      if (isAppError(error)) return failure(error);
      // The message only: an error's other fields (a request's options) may hold a secret.
      log.error(
        { jobId: job.id, check: job.name, err: { message: errorMessage(error) } },
        "credential check failed",
      );
      throw new UnrecoverableError("the credential check failed");
    }
  };
}

const failure = (error: AppError): CredentialCheckOutcome => ({
  ok: false,
  error: { code: error.code, message: error.message, details: { ...error.details } },
});

const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error;
