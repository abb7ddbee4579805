import { CombinedError } from "@urql/core";
import { buildSchema, GraphQLError, isEnumType } from "graphql";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { describeError, ERROR_CODES, isUnauthenticated, problemFrom } from "./errors.js";

const apiError = (code: string, message: string, extensions: Record<string, unknown> = {}) =>
  new CombinedError({
    graphQLErrors: [new GraphQLError(message, { extensions: { code, ...extensions } })],
  });

describe("describeError", () => {
  it("shows the api's INVALID_API_KEY message with a link to the session's key settings", () => {
    const problem = describeError(
      {
        code: "INVALID_API_KEY",
        message: "Invalid API key — the session key was refused by Anthropic",
      },
      { sessionId: "s1", keySource: "SESSION" },
    );
    expect(problem.title).toBe("Invalid API key — the session key was refused by Anthropic");
    expect(problem.action).toEqual({
      label: "Update the session key",
      href: "/sessions/s1/settings/key",
    });
  });

  it("sends an INVALID_API_KEY that ran with the account key to the account's keys", () => {
    const problem = describeError(
      { code: "INVALID_API_KEY", message: "Invalid API key — your account key was refused" },
      { sessionId: "s1", keySource: "ACCOUNT" },
    );
    expect(problem.action).toEqual({
      label: "Update your account key",
      href: "/account/api-keys",
    });
  });

  it("says no key is configured and offers to add one for NO_API_KEY", () => {
    const problem = describeError(
      { code: "NO_API_KEY", message: "ignored text" },
      { sessionId: "s2" },
    );
    expect(problem.title).toBe("No API key configured for this session");
    expect(problem.action).toEqual({ label: "Add a key", href: "/sessions/s2/settings/key" });
  });

  it("asks for a fresh token and links Agent Credentials for AUTHENTICATION_FAILED", () => {
    const problem = describeError({
      code: "AUTHENTICATION_FAILED",
      message: "The Claude subscription token expired",
    });
    expect(problem.title).toBe("Authentication failed — get a fresh token");
    expect(problem.detail).toBe("The Claude subscription token expired");
    expect(problem.action?.href).toBe("/account/agent-credentials");
  });

  it("reads UNAUTHENTICATED at sign-in as a wrong email or password, elsewhere as signed out", () => {
    expect(
      describeError({ code: "UNAUTHENTICATED", message: "x" }, { operation: "signIn" }).title,
    ).toBe("Wrong email or password.");
    const elsewhere = describeError({ code: "UNAUTHENTICATED", message: "Sign in first" });
    expect(elsewhere.title).toBe("You are signed out — sign in again.");
    expect(elsewhere.action?.href).toBe("/sign-in");
  });

  it("gives each of RATE_LIMITED, AGENT_FAILED and BUDGET_EXCEEDED its own title", () => {
    const titles = (["RATE_LIMITED", "AGENT_FAILED", "BUDGET_EXCEEDED"] as const).map(
      (code) => describeError({ code, message: "detail" }).title,
    );
    expect(titles[0]).toMatch(/^Rate limited/);
    expect(titles[1]).toBe("The agent failed");
    expect(titles[2]).toBe("This session has reached its budget");
  });

  it("handles exactly the codes of the schema's ErrorCode enum", () => {
    const schema = buildSchema(
      // A path, not a URL: jsdom's URL is not the one node:fs takes.
      readFileSync(
        path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../schema.graphql"),
        "utf8",
      ),
    );
    const type = schema.getType("ErrorCode");
    const codes = isEnumType(type) ? type.getValues().map((value) => value.name) : [];
    expect(codes.length).toBeGreaterThan(0);
    expect([...ERROR_CODES].sort()).toEqual(codes.sort());
  });

  it("shows how to get a fresh subscription for AUTHENTICATION_FAILED, with a link to the agent's credentials", () => {
    const credentialFix = {
      steps: ["Run `claude setup-token` and sign in.", "Paste the token it prints."],
      label: "Claude Code credentials",
      href: "/account/agent-credentials#agent-claude-code",
    };
    const problem = describeError(
      { code: "AUTHENTICATION_FAILED", message: "Claude refused the subscription token" },
      { sessionId: "s1", keySource: "ACCOUNT", credentialFix },
    );
    expect(problem.steps).toEqual(credentialFix.steps);
    expect(problem.action).toEqual({
      label: "Claude Code credentials",
      href: "/account/agent-credentials#agent-claude-code",
    });
    // A session's own token is replaced in the session's settings.
    const sessionKey = describeError(
      { code: "AUTHENTICATION_FAILED", message: "refused" },
      { sessionId: "s1", keySource: "SESSION", credentialFix },
    );
    expect(sessionKey.action).toEqual({
      label: "Update the session key",
      href: "/sessions/s1/settings/key",
    });
  });

  it("has a title for every code of the contract", () => {
    for (const code of ERROR_CODES) {
      expect(describeError({ code }).title.length, code).toBeGreaterThan(0);
    }
  });

  it("treats an unknown code as a server error instead of guessing from the message", () => {
    const problem = describeError({ code: "SOMETHING_NEW", message: "No API key configured" });
    expect(problem.code).toBe("INTERNAL");
    expect(problem.title).toMatch(/went wrong on the server/);
  });

  it("never reads the message to pick a code", () => {
    const problem = describeError({ code: "RATE_LIMITED", message: "Invalid API key" });
    expect(problem.code).toBe("RATE_LIMITED");
    expect(problem.action).toBeUndefined();
  });
});

describe("problemFrom", () => {
  it("puts a BAD_USER_INPUT on the field named in extensions.details.field", () => {
    const problem = problemFrom(
      apiError("BAD_USER_INPUT", "An account with this email already exists", {
        details: { field: "email" },
      }),
      { operation: "signUp" },
    );
    expect(problem).toEqual({
      code: "BAD_USER_INPUT",
      title: "An account with this email already exists",
      field: "email",
    });
  });

  it("also accepts the field directly in extensions.field", () => {
    const problem = problemFrom(
      apiError("BAD_USER_INPUT", "An Anthropic API key starts with sk-ant-", { field: "secret" }),
    );
    expect(problem.field).toBe("secret");
  });

  it("keeps the field off errors other than BAD_USER_INPUT", () => {
    const problem = problemFrom(apiError("NOT_FOUND", "No user", { details: { field: "email" } }));
    expect(problem.field).toBeUndefined();
  });

  it("describes a failed request that reached no server as a network problem", () => {
    const problem = problemFrom(new CombinedError({ networkError: new Error("Failed to fetch") }));
    expect(problem.code).toBe("NETWORK");
    expect(problem.title).toMatch(/Cannot reach the server/);
  });
});

describe("isUnauthenticated", () => {
  it("is true only when the api said UNAUTHENTICATED", () => {
    expect(isUnauthenticated(apiError("UNAUTHENTICATED", "Sign in first"))).toBe(true);
    expect(isUnauthenticated(apiError("FORBIDDEN", "Only an administrator may do this"))).toBe(
      false,
    );
  });
});
