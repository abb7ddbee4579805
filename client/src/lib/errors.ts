import type { CombinedError } from "@urql/core";
import type { KeySource } from "../gql/graphql.js";
import type { ErrorCode } from "../gql/schema-enums.js";

// The one place an api error becomes what a person reads. It switches on `extensions.code`
// (the contract), never on message text; the api's message is shown where it was written for
// people (BAD_USER_INPUT, INVALID_API_KEY) or as a detail under our own title. The codes are the
// schema's ErrorCode enum (generated): a code the api adds does not compile until it is handled.

export type { ErrorCode };

/** A code from the api, or NETWORK when the api could not be reached at all. */
export type ProblemCode = ErrorCode | "NETWORK";

export interface ProblemAction {
  readonly label: string;
  /** An in-app path. */
  readonly href: string;
}

/** An error as shown: a title, maybe a detail, a way out, and the form field it belongs to. */
export interface Problem {
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail?: string;
  /** How to fix it, step by step (`code` in backticks), e.g. getting a fresh token. */
  readonly steps?: readonly string[];
  readonly action?: ProblemAction;
  /** The input the error is about (BAD_USER_INPUT with extensions.field or details.field). */
  readonly field?: string;
}

/** What the screen knows that makes a message more useful. */
export interface ErrorContext {
  /** The session the operation was about (links go to its settings). */
  readonly sessionId?: string;
  /** The key a failed message ran with, when known (INVALID_API_KEY names which to fix). */
  readonly keySource?: KeySource | null;
  /** Sign-in: UNAUTHENTICATED means a wrong email or password, not an ended sign-in. */
  readonly operation?: "signIn" | "signUp";
  /** For a refused subscription (AUTHENTICATION_FAILED): how to get a fresh one, and where. */
  readonly credentialFix?: CredentialFix;
}

/** How to replace a refused credential: the registry's steps and the panel to paste it in. */
export interface CredentialFix {
  readonly steps: readonly string[];
  readonly label: string;
  readonly href: string;
}

/** One error from the api: its code, the api's message, and the field when one is named. */
export interface ApiErrorInput {
  readonly code: string | null | undefined;
  readonly message?: string | null | undefined;
  readonly field?: string | null | undefined;
}

export const paths = {
  signIn: "/sign-in",
  sessionKeySettings: (sessionId: string) => `/sessions/${sessionId}/settings/key`,
  accountApiKeys: "/account/api-keys",
  agentCredentials: "/account/agent-credentials",
} as const;

const text = (value: string | null | undefined): string | undefined =>
  value?.trim() ? value.trim() : undefined;

/** The detail line: the api's message, unless it only repeats the title. */
function detailFrom(message: string | undefined, title: string): { detail?: string } {
  return message === undefined || message === title ? {} : { detail: message };
}

function keyAction(context: ErrorContext, label: string): { action?: ProblemAction } {
  return context.sessionId === undefined
    ? { action: { label, href: paths.accountApiKeys } }
    : { action: { label, href: paths.sessionKeySettings(context.sessionId) } };
}

type Describe = (message: string | undefined, context: ErrorContext) => Omit<Problem, "code">;

const DESCRIBE = {
  UNAUTHENTICATED: (message, context) =>
    context.operation === "signIn"
      ? { title: "Wrong email or password." }
      : {
          title: "You are signed out — sign in again.",
          ...detailFrom(message, ""),
          action: { label: "Sign in", href: paths.signIn },
        },
  FORBIDDEN: (message) => ({
    title: "You are not allowed to do this.",
    ...detailFrom(message, ""),
  }),
  NOT_FOUND: () => ({
    title: "Not found — it may have been deleted, or it is not shared with you.",
  }),
  BAD_USER_INPUT: (message) => ({ title: message ?? "Check what you entered." }),
  NO_API_KEY: (message, context) => {
    const title = "No API key configured for this session";
    return { title, ...detailFrom(message, title), ...keyAction(context, "Add a key") };
  },
  INVALID_API_KEY: (message, context) => {
    // The api's message names the refused key ("… the session key was refused by Anthropic").
    const title = message ?? "Invalid API key — the provider refused the key";
    if (context.keySource === "ACCOUNT") {
      return {
        title,
        action: { label: "Update your account key", href: paths.accountApiKeys },
      };
    }
    return { title, ...keyAction(context, "Update the session key") };
  },
  AUTHENTICATION_FAILED: (message, context) => {
    const title = "Authentication failed — get a fresh token";
    const fix = context.credentialFix;
    // A session's own subscription token is replaced in the session's settings.
    const action =
      context.keySource === "SESSION" && context.sessionId !== undefined
        ? { label: "Update the session key", href: paths.sessionKeySettings(context.sessionId) }
        : {
            label: fix?.label ?? "Agent Credentials",
            href: fix?.href ?? paths.agentCredentials,
          };
    return {
      title,
      ...detailFrom(message, title),
      ...(fix === undefined ? {} : { steps: fix.steps }),
      action,
    };
  },
  RATE_LIMITED: (message) => {
    const title =
      "Rate limited — the provider is refusing requests for now. Wait a minute and try again.";
    return { title, ...detailFrom(message, title) };
  },
  AGENT_FAILED: (message) => {
    const title = "The agent failed";
    return { title, ...detailFrom(message, title) };
  },
  BUDGET_EXCEEDED: (message) => {
    const title = "This session has reached its budget";
    return { title, ...detailFrom(message, title) };
  },
  REPOSITORY_UNAVAILABLE: (message) => {
    const title = "The session's repository could not be reached";
    return { title, ...detailFrom(message, title) };
  },
  UNAVAILABLE: (message) => {
    const title = "The service is briefly unavailable — nothing was done. Try again in a moment.";
    return { title, ...detailFrom(message, title) };
  },
  INTERNAL: () => ({
    title:
      "Something went wrong on the server. Try again; if it keeps happening, tell your administrator.",
  }),
} as const satisfies Record<ErrorCode, Describe>;

/** Every code the api may send: the schema's ErrorCode enum, each with its wording above. */
export const ERROR_CODES = Object.keys(DESCRIBE) as readonly ErrorCode[];

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === "string" && Object.hasOwn(DESCRIBE, code);

/** Turns one api error (from a response or an agent event) into what the screen shows. */
export function describeError(error: ApiErrorInput, context: ErrorContext = {}): Problem {
  // A code this client does not know yet is treated as a server error, never guessed from text.
  const code: ErrorCode = isErrorCode(error.code) ? error.code : "INTERNAL";
  const problem = DESCRIBE[code](text(error.message), context);
  const field = code === "BAD_USER_INPUT" ? text(error.field) : undefined;
  return { code, ...problem, ...(field === undefined ? {} : { field }) };
}

const NETWORK_PROBLEM: Problem = {
  code: "NETWORK",
  title: "Cannot reach the server — check your connection and try again.",
};

function fieldOf(extensions: Readonly<Record<string, unknown>>): string | undefined {
  const direct = extensions["field"];
  if (typeof direct === "string") return direct;
  const details = extensions["details"];
  if (typeof details === "object" && details !== null) {
    const nested = (details as Record<string, unknown>)["field"];
    if (typeof nested === "string") return nested;
  }
  return undefined;
}

/** The first error of a failed urql operation, described. */
export function problemFrom(error: CombinedError, context: ErrorContext = {}): Problem {
  const first = error.graphQLErrors[0];
  if (first === undefined) return NETWORK_PROBLEM;
  const extensions = first.extensions as Readonly<Record<string, unknown>>;
  return describeError(
    {
      code: extensions["code"] as string | undefined,
      message: first.message,
      field: fieldOf(extensions),
    },
    context,
  );
}

/** Whether a failed operation means the token is no longer accepted. */
export function isUnauthenticated(error: CombinedError): boolean {
  return error.graphQLErrors.some((e) => e.extensions["code"] === "UNAUTHENTICATED");
}
