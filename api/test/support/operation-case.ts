import { expect } from "vitest";
import type { TestApi } from "../harness.js";
import type { Actor, GqlRequest, Outcome, World } from "./world.js";

// What an isolation case says: a request aimed at A's objects and what each kind of caller must
// get (see operations.ts).

export type DenialCode = "NOT_FOUND" | "FORBIDDEN" | "UNAUTHENTICATED" | "BAD_USER_INPUT";

/** A check of what a caller got from an operation that is theirs to call. */
export type OwnCheck = (outcome: Outcome, actor: Actor, world: World, api: TestApi) => unknown;

export type Expectation =
  /** An error with this code and no data. */
  | { readonly code: DenialCode }
  /** The documented "not yours": a null result, no error. */
  | { readonly nullResult: true }
  /** A per-caller operation: the caller gets their own things, never A's (checked by `own`). */
  | { readonly own: OwnCheck };

/** Who may do an operation in a session: any member, owner or editor, or the owner only. */
export type SessionNeed = "read" | "use" | "manage";

export interface OperationCase {
  /** The request aimed at A's objects; `actor` is who sends it (undefined: nobody). */
  readonly attack: (world: World, actor?: Actor) => GqlRequest;
  /** A signed-in user with no relation to A. */
  readonly stranger: Expectation;
  /** An administrator; "control" where the admin is the rightful caller. Default: as stranger. */
  readonly admin?: Expectation | "control";
  /** No token, or a revoked one. */
  readonly nobody: Expectation;
  /**
   * The rightful caller, who must succeed: proves the attack aims at something real, so a
   * refusal is a refusal and not a typo.
   */
  readonly control: {
    readonly as: "owner" | "admin";
    readonly request?: (world: World) => GqlRequest;
    readonly check: OwnCheck;
  };
  /** For operations on A's session: what a member needs for it. */
  readonly need?: SessionNeed;
  /** The request a member of A's session makes (default: the attack). */
  readonly asMember?: (world: World, role: "EDITOR" | "VIEWER") => GqlRequest;
}

export const denied = (code: DenialCode): Expectation => ({ code });
export const NOT_FOUND = denied("NOT_FOUND");
export const FORBIDDEN = denied("FORBIDDEN");
export const UNAUTHENTICATED = denied("UNAUTHENTICATED");

export const SESSION_FIELDS = `id name repoUrl budgetUsd viewerRole createdAt
  keys { id provider kind hint version }
  keySource(provider: ANTHROPIC)
  nextCredential(provider: ANTHROPIC, agentKind: CLAUDE_CODE) { source kind hint }
  members { userId email role }
  agents { id model messages { id text status } }
  usage { apiCalls totalTokens estimatedCostUsd }`;

/** The operation's result, once there are no errors (callers say what shape they expect). */
export const field = (outcome: Outcome, name: string): unknown => {
  expect(outcome.errors, outcome.text).toEqual([]);
  return outcome.data?.[name];
};
