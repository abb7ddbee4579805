import { z } from "zod";
import { ERROR_CODES } from "../errors/app-error.js";

// Credential checks: work that needs a secret in the clear AND an answer for the caller (verify
// a credential, exchange a sign-in code). The api may only seal secrets, so it asks the worker:
// a job on this queue, whose result the api awaits (api/src/credentials/credential-checks.ts);
// the worker runs it (worker/src/credential-checks/).
//
// To add a kind of check:
//   1. core: `export const MY_CHECK = defineCredentialCheck("my-check", dataSchema, resultSchema)`
//      in a file of its own under core/src/queue/credential-checks/, exported from core's index.
//      Data holds ids only (credential, flow, acting user): never a secret, since job data sits
//      in Redis and in logs of failed jobs.
//   2. worker: a handler file in worker/src/credential-checks/ (`checkHandler(MY_CHECK, deps =>
//      async data => result)`), listed in that folder's handlers.ts.
//   3. api: `await checks.request(MY_CHECK, data)`; a failed check arrives as the AppError the
//      handler threw, an unanswered one as UNAVAILABLE.

/** The BullMQ queue of credential checks. */
export const CREDENTIAL_CHECK_QUEUE = "credential-checks";

/** Checks one worker process runs at once (each is mostly a wait on a provider). */
export const CREDENTIAL_CHECK_CONCURRENCY = 4;

/** One kind of check: its job name and the schemas of what goes in and what comes back. */
export interface CredentialCheckKind<Data, Result> {
  readonly name: string;
  readonly data: z.ZodType<Data>;
  readonly result: z.ZodType<Result>;
}

export function defineCredentialCheck<Data, Result>(
  name: string,
  data: z.ZodType<Data>,
  result: z.ZodType<Result>,
): CredentialCheckKind<Data, Result> {
  return { name, data, result };
}

/**
 * A job's payload: the check's own data and when the caller stops waiting (epoch ms). The worker
 * drops a job found past it (the worker was away): nobody awaits it, and a sign-in code spent
 * late is a code lost.
 */
export const credentialCheckEnvelopeSchema = z.object({
  data: z.unknown(),
  deadline: z.number().int().positive(),
});
export type CredentialCheckEnvelope = z.infer<typeof credentialCheckEnvelopeSchema>;

/**
 * What a job returns: the check's result, or the AppError it ended with (code, message shown to
 * the user, non-secret details), so the api rethrows it as is. Anything else a handler throws
 * fails the job and reaches the caller as INTERNAL.
 */
export const credentialCheckOutcomeSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(ERROR_CODES),
      message: z.string(),
      details: z.record(z.string(), z.unknown()),
    }),
  }),
]);
export type CredentialCheckOutcome = z.infer<typeof credentialCheckOutcomeSchema>;

/**
 * One attempt (the caller is waiting: a retry would come after it gave up), kept briefly after it
 * ends so a caller that starts listening late still finds the result.
 */
export const credentialCheckJobOptions = {
  attempts: 1,
  removeOnComplete: { age: 300 },
  removeOnFail: { age: 300 },
} as const;
