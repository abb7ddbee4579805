import { ACCOUNT_OPERATIONS } from "./account-operations.js";
import type { OperationCase } from "./operation-case.js";
import { SESSION_OPERATIONS } from "./session-operations.js";
import { SIGN_IN_OPERATIONS } from "./sign-in-operations.js";

// Every root operation of the schema, aimed at A's objects, with what each kind of caller must
// get. isolation.test.ts fails for an operation of the schema that has no case here.

export type { Expectation, OperationCase, SessionNeed } from "./operation-case.js";

export const OPERATIONS: Readonly<Record<string, OperationCase>> = {
  ...ACCOUNT_OPERATIONS,
  ...SESSION_OPERATIONS,
  ...SIGN_IN_OPERATIONS,
};
