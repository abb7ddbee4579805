import { expect } from "vitest";
import {
  field,
  NOT_FOUND,
  UNAUTHENTICATED,
  type OperationCase,
  type OwnCheck,
} from "./operation-case.js";
import { expectNoneOfA } from "./world.js";

// Isolation cases of the sign-in flows (see operations.ts). A flow is its user's alone: another
// user's id is NOT_FOUND (or, for the queries, null), and a session's sign-in needs its owner.
// No worker runs in the api's tests: where a flow needs one (starting a device sign-in,
// exchanging a code), the rightful caller gets past every check and then UNAVAILABLE
// (e2e/test/sign-in.test.ts has the worker's side).

const DEVICE_FIELDS = `id provider agentKind sessionId status expiresAt verificationUri userCode intervalSeconds credential { id }`;
const CODE_FIELDS = `id provider agentKind sessionId status expiresAt authorizeUrl credential { id }`;

/** Past authorization, the worker is asked and none answers. */
const noWorker: OwnCheck = (outcome) => {
  expect(outcome.errors[0]?.extensions?.code, outcome.text).toBe("UNAVAILABLE");
};

export const SIGN_IN_OPERATIONS: Readonly<Record<string, OperationCase>> = {
  "Query.deviceSignIn": {
    attack: (world) => ({
      query: `query ($id: ID!) { deviceSignIn(id: $id) { ${DEVICE_FIELDS} } }`,
      variables: { id: world.deviceSignInId },
    }),
    stranger: { nullResult: true },
    nobody: UNAUTHENTICATED,
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        expect(field(outcome, "deviceSignIn")).toMatchObject({
          id: world.deviceSignInId,
          status: "PENDING",
          credential: null,
        });
      },
    },
  },
  "Query.codeSignIn": {
    attack: (world) => ({
      query: `query ($id: ID!) { codeSignIn(id: $id) { ${CODE_FIELDS} } }`,
      variables: { id: world.codeSignInId },
    }),
    stranger: { nullResult: true },
    nobody: UNAUTHENTICATED,
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        expect(field(outcome, "codeSignIn")).toMatchObject({
          id: world.codeSignInId,
          status: "PENDING",
        });
      },
    },
  },
  "Mutation.cancelSignIn": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { cancelSignIn(id: $id) }`,
      variables: { id: world.deviceSignInId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    control: {
      as: "owner",
      check: (outcome) => {
        expect(field(outcome, "cancelSignIn")).toBe(true);
      },
    },
  },
  "Mutation.completeCodeSignIn": {
    attack: (world) => ({
      query: `mutation ($id: ID!) { completeCodeSignIn(id: $id, code: "a-pasted-code") { id } }`,
      variables: { id: world.codeSignInId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    control: { as: "owner", check: noWorker },
  },
  "Mutation.startCodeSignIn": {
    // For A's session: only its owner may have its key signed in.
    attack: (world) => ({
      query: `mutation ($s: ID) { startCodeSignIn(input: { provider: ANTHROPIC, agentKind: CLAUDE_CODE, sessionId: $s }) { ${CODE_FIELDS} } }`,
      variables: { s: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        const started = field(outcome, "startCodeSignIn") as {
          sessionId: string;
          authorizeUrl: string;
        };
        expect(started.sessionId).toBe(world.sessionId);
        expect(new URL(started.authorizeUrl).searchParams.get("code_challenge_method")).toBe(
          "S256",
        );
      },
    },
  },
  "Mutation.startDeviceSignIn": {
    attack: (world) => ({
      query: `mutation ($s: ID) { startDeviceSignIn(input: { provider: OPENAI, agentKind: CODEX, sessionId: $s }) { ${DEVICE_FIELDS} } }`,
      variables: { s: world.sessionId },
    }),
    stranger: NOT_FOUND,
    nobody: UNAUTHENTICATED,
    control: {
      as: "owner",
      check: (outcome, _actor, world) => {
        expect(outcome.errors[0]?.extensions?.code, outcome.text).toBe("UNAVAILABLE");
        expectNoneOfA(outcome.text, world);
      },
    },
  },
};
