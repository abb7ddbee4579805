import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startClaudeHarness,
  textOf,
  usageEvents,
  type ClaudeHarness,
} from "../support/claude-code.js";
import { newKey, newSubscriptionToken, tempWorkspace } from "../support/run-helpers.js";

// The real `claude` binary (Claude Code) with each kind of Anthropic credential: an API key, a
// `claude setup-token` token, Claude's .credentials.json refreshed through a TLS proxy standing
// in for platform.claude.com, and refused ones.

let h: ClaudeHarness;

beforeAll(async () => {
  h = await startClaudeHarness();
});

afterAll(async () => {
  await h.close();
});

/** Claude's ~/.claude/.credentials.json for a sign-in whose access token expires in `ms`. */
function signIn(ms: number): { secret: string; accessToken: string; refreshToken: string } {
  const random = (): string => randomUUID().replaceAll("-", "");
  const accessToken = `sk-ant-oat01-${random()}`;
  const refreshToken = `sk-ant-ort01-${random()}`;
  const secret = JSON.stringify({
    claudeAiOauth: {
      accessToken,
      refreshToken,
      expiresAt: Date.now() + ms,
      scopes: ["user:inference", "user:profile", "user:sessions:claude_code"],
      subscriptionType: "max",
    },
  });
  return { secret, accessToken, refreshToken };
}

describe(
  "Claude Code runner: credentials (real claude CLI, fake provider)",
  { timeout: 60_000 },
  () => {
    it("sends a `claude setup-token` token as a bearer token with the OAuth beta", async () => {
      const workspace = await tempWorkspace();
      const token = newSubscriptionToken();
      h.fake.addKey(token);
      try {
        const input = h.input(token, { credential: { kind: "SUBSCRIPTION", secret: token } });
        h.fake.script({ provider: "ANTHROPIC", text: "token answer" });
        const run = await h.run(input, workspace.path);

        expect(run.outcome).toBe("done");
        expect(textOf(run.events)).toBe("token answer");
        expect(h.callsFor(input.text).map((call) => [call.key, call.auth, call.status])).toEqual([
          [token, "bearer", 200],
        ]);
        // The fake refuses a subscription token without the beta, so the header was there.
        const sent = h.recorder.requests.find((request) =>
          request.body.toString("utf8").includes(input.text),
        );
        expect(String(sent?.headers["anthropic-beta"])).toContain("oauth-2025-04-20");
        expect(run.events.some((event) => event.type === "credential")).toBe(false);
        await h.expectNoSecretLeft(workspace.path, [token]);
      } finally {
        await workspace.remove();
      }
    });

    it("refreshes an expired sign-in through platform.claude.com and hands over the rotated credentials file, which the next message uses", async () => {
      const workspace = await tempWorkspace();
      const expired = signIn(-60_000);
      // Only the refresh can make the call work: the expired access token is no key of the h.fake.
      h.fake.addRefreshToken(expired.refreshToken, { accessTokenPrefix: "sk-ant-oat01-" });
      const passEnv = { ...h.tls.env };
      try {
        const first = h.input(expired.secret, {
          credential: { kind: "SUBSCRIPTION", secret: expired.secret },
          baseUrls: { ANTHROPIC: h.fake.url },
        });
        const one = await h.run(first, workspace.path, { passEnv });
        expect(one.outcome).toBe("done");

        const refreshes = h.fake
          .tokenRefreshes()
          .filter((r) => r.refreshToken === expired.refreshToken);
        expect(refreshes.map((refresh) => refresh.status)).toEqual([200]);
        const [refresh] = refreshes;
        expect(h.tls.requests()).toContainEqual({
          host: "platform.claude.com",
          method: "POST",
          path: "/v1/oauth/token",
          status: 200,
        });
        expect(h.callsFor(first.text).map((call) => [call.key, call.auth, call.status])).toEqual([
          [refresh?.accessToken, "bearer", 200],
        ]);
        // The rotated file comes back before the run ends, in the form the user saved.
        const handed = one.events.filter((event) => event.type === "credential");
        expect(handed).toHaveLength(1);
        expect(one.events.findIndex((event) => event.type === "credential")).toBeLessThan(
          one.events.findIndex((event) => event.type === "done"),
        );
        const rotated = handed[0]?.type === "credential" ? handed[0].secret : "";
        expect(JSON.parse(rotated)).toMatchObject({
          claudeAiOauth: {
            accessToken: refresh?.accessToken,
            refreshToken: refresh?.newRefreshToken,
            expiresAt: expect.any(Number) as number,
          },
        });

        // The next message, given the rotated secret, works without another refresh.
        const second = h.input(rotated, {
          credential: { kind: "SUBSCRIPTION", secret: rotated },
          baseUrls: { ANTHROPIC: h.fake.url },
        });
        const two = await h.run(second, workspace.path, { passEnv });
        expect(two.outcome).toBe("done");
        expect(two.events.some((event) => event.type === "credential")).toBe(false);
        expect(h.callsFor(second.text).map((call) => [call.key, call.status])).toEqual([
          [refresh?.accessToken, 200],
        ]);
        expect(
          h.fake.tokenRefreshes().filter((r) => r.refreshToken === refresh?.newRefreshToken),
        ).toEqual([]);
        await h.expectNoSecretLeft(workspace.path, [
          expired.accessToken,
          expired.refreshToken,
          refresh?.accessToken ?? "?",
          refresh?.newRefreshToken ?? "?",
        ]);
      } finally {
        await workspace.remove();
      }
    });

    it("ends AUTHENTICATION_FAILED when the sign-in can no longer be refreshed, handing nothing over", async () => {
      const workspace = await tempWorkspace();
      // Its refresh token is unknown to the fake (revoked, or used elsewhere already).
      const revoked = signIn(-60_000);
      try {
        const run = await h.run(
          h.input(revoked.secret, {
            credential: { kind: "SUBSCRIPTION", secret: revoked.secret },
            baseUrls: { ANTHROPIC: h.fake.url },
          }),
          workspace.path,
          { passEnv: { ...h.tls.env } },
        );
        expect(run.events.at(-1)).toMatchObject({
          type: "error",
          code: "AUTHENTICATION_FAILED",

          message: expect.stringContaining("save the new ~/.claude/.credentials.json") as string,
        });
        expect(run.events.some((event) => event.type === "credential")).toBe(false);
        expect(
          h.fake.tokenRefreshes().filter((r) => r.refreshToken === revoked.refreshToken),
        ).not.toEqual([]);
        expect(JSON.stringify(run)).not.toContain(revoked.refreshToken);
      } finally {
        await workspace.remove();
      }
    });

    it("ends a refused API key with INVALID_API_KEY and a refused subscription with AUTHENTICATION_FAILED saying what to do", async () => {
      const workspace = await tempWorkspace();
      try {
        const unknownKey = newKey("ANTHROPIC");
        const key = await h.run(h.input(unknownKey), workspace.path);
        expect(key.outcome).toBe("error");
        expect(key.events.at(-1)).toMatchObject({
          type: "error",
          code: "INVALID_API_KEY",
          status: 401,
        });

        const revoked = newSubscriptionToken();
        const token = await h.run(
          h.input(revoked, { credential: { kind: "SUBSCRIPTION", secret: revoked } }),
          workspace.path,
        );
        expect(token.events.at(-1)).toMatchObject({
          type: "error",
          code: "AUTHENTICATION_FAILED",
          status: 401,
          message: expect.stringContaining(
            "run `claude setup-token` and save the new token",
          ) as string,
        });
        for (const run of [key, token]) {
          expect(JSON.stringify(run)).not.toContain(unknownKey);
          expect(JSON.stringify(run)).not.toContain(revoked);
          expect(usageEvents(run.events)).toEqual([]);
        }
      } finally {
        await workspace.remove();
      }
    });
  },
);
