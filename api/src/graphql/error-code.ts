import { ERROR_CODES, type ErrorCode } from "@agentry/core";
import { GraphQLEnumType } from "graphql";

// The ErrorCode enum of the schema: every `extensions.code` (and Message/AgentEvent errorCode)
// the api can return, from core's list. A code added there without a description here does not
// compile, so the schema — and the client generated from it — always knows every code.

/** What each code means, for the schema. */
export const ERROR_CODE_DESCRIPTIONS = {
  UNAUTHENTICATED: "No valid token: sign in (or send a valid API token) and try again.",
  FORBIDDEN: "Signed in, but not allowed to do this (e.g. an editor managing keys, a non-admin).",
  NOT_FOUND: "It does not exist, or it is not yours to see (the two are not told apart).",
  BAD_USER_INPUT:
    "Something sent was wrong; the message says what, and `details.field` names the argument.",
  NO_API_KEY:
    "No API key configured for this session: no session key, account credential or allowed system key fits the agent; `details.hint` says what to add.",
  INVALID_API_KEY:
    "The provider refused the key; the message names the key source (session, account or system) and its hint.",
  AUTHENTICATION_FAILED:
    "The provider refused a subscription credential, or it expired; get a fresh one (e.g. `claude setup-token`, `codex login --device-auth`) and replace it.",
  RATE_LIMITED: "The provider is rate-limiting requests; retried with backoff, then given up.",
  AGENT_FAILED:
    "The agent failed (its container died, its CLI exited without a result, or the time limit passed); the message says why.",
  BUDGET_EXCEEDED: "The session's cost cap is reached; raise or clear the budget to continue.",
  REPOSITORY_UNAVAILABLE:
    "The session's repository could not be cloned, read or pushed to: unreachable, not found, or the repository token (GIT credential) was missing or refused; the message says which. A failed clone is tried again with the next message.",
  UNAVAILABLE:
    "A part the system depends on (Redis, the queue) is down for now; nothing was done, so retrying shortly is safe.",
  INTERNAL: "An unexpected server error; no detail is given (the server log has it).",
} as const satisfies Record<ErrorCode, string>;

/** The schema's ErrorCode enum (added to the schema by buildApiSchema; no field returns it). */
export const ErrorCodeEnum = new GraphQLEnumType({
  name: "ErrorCode",
  description:
    "Every code an error's `extensions.code` can carry, and the values of Message.errorCode and AgentEvent.errorCode. Clients switch on these, never on message text; a client that meets a code it does not know should treat it as INTERNAL.",
  values: Object.fromEntries(
    ERROR_CODES.map((code) => [code, { value: code, description: ERROR_CODE_DESCRIPTIONS[code] }]),
  ),
});
