import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentRunInput } from "@agentry/core";
import {
  startFakeProvider,
  startTlsProxy,
  type FakeProvider,
  type TlsProxy,
} from "@agentry/fake-provider";
import {
  claudeInput as baseInput,
  expectNoSecretLeft as noSecretLeft,
  listCost,
  MODEL,
  privateTmpdir,
  runClaude as run,
  textOf,
  tokens,
  usageEvents,
  type Recorded,
} from "../support/claude-code.js";
import { cliBinDir } from "../support/clis.js";
import { startRecordingProxy, type RecordingProxy } from "../support/recording-proxy.js";
import {
  newKey,
  newSubscriptionToken,
  readAllFiles,
  tempWorkspace,
} from "../support/run-helpers.js";

// The real `claude` binary (Claude Code) against the fake provider: through a proxy that keeps
// request bodies, and through a TLS proxy for the sign-in refresh at platform.claude.com.

let fake: FakeProvider;
let recorder: RecordingProxy;
let tls: TlsProxy;
let bin: string;
let runHomes: { path: string; restore: () => Promise<void> };
const apiKey = newKey("ANTHROPIC");

beforeAll(async () => {
  bin = await cliBinDir();
  fake = await startFakeProvider({ keys: [apiKey] });
  recorder = await startRecordingProxy(fake.url);
  tls = await startTlsProxy({
    target: fake.url,
    hosts: ["platform.claude.com", "api.anthropic.com"],
  });
  // Run homes are made under the system temporary directory: a private one shows what is left.
  runHomes = await privateTmpdir();
});

afterAll(async () => {
  await runHomes.restore();
  await tls.close();
  await recorder.close();
  await fake.close();
});

const claudeInput = (secret: string, overrides: Partial<AgentRunInput> = {}): AgentRunInput =>
  baseInput(secret, { baseUrls: { ANTHROPIC: recorder.url }, ...overrides });

const runClaude = (
  input: AgentRunInput,
  workspace: string,
  options: { passEnv?: Record<string, string> } = {},
): Promise<Recorded> => run(input, workspace, { binDir: bin, ...options });

const expectNoSecretLeft = (workspace: string, secrets: readonly string[]): Promise<void> =>
  noSecretLeft(workspace, runHomes.path, secrets);

/** The fake's calls whose last user message ends with `text` (Claude Code puts context first). */
const callsFor = (text: string) => fake.calls().filter((call) => call.prompt.endsWith(text));

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

describe("Claude Code runner (real claude CLI, fake provider)", { timeout: 60_000 }, () => {
  it("holds a two-message conversation: replies as text, history resent, each run's own usage and cost", async () => {
    const workspace = await tempWorkspace();
    try {
      const first = claudeInput(apiKey);
      const second = claudeInput(apiKey);
      fake.script(
        { provider: "ANTHROPIC", text: "first answer here" },
        { provider: "ANTHROPIC", text: "second answer here" },
      );

      const one = await runClaude(first, workspace.path);
      expect(one.outcome).toBe("done");
      expect(textOf(one.events)).toBe("first answer here");
      const two = await runClaude(second, workspace.path);
      expect(two.outcome).toBe("done");
      expect(textOf(two.events)).toBe("second answer here");
      expect(two.events.at(-1)).toEqual({ type: "done", stopReason: "end_turn" });

      // One call each; the usage events are the fake's numbers, every class, the resumed run's
      // own (Claude Code's totals are the session's), its cost the CLI's price of that call.
      const [callOne] = callsFor(first.text);
      const [callTwo] = callsFor(second.text);
      expect([callOne?.key, callOne?.auth, callTwo?.key, callTwo?.auth]).toEqual([
        apiKey,
        "x-api-key",
        apiKey,
        "x-api-key",
      ]);
      for (const [run, call] of [
        [one, callOne],
        [two, callTwo],
      ] as const) {
        const usage = call?.usage ?? null;
        expect(usage?.cacheReadTokens).toBeGreaterThan(0);
        expect(usage?.cacheWriteTokens).toBeGreaterThan(0);
        expect(usage?.reasoningTokens).toBeGreaterThan(0);
        const events = usageEvents(run.events);
        expect(events).toEqual([
          {
            type: "usage",
            callIndex: 0,
            provider: "ANTHROPIC",
            model: MODEL,
            ...tokens(usage),
            reportedCostUsd: expect.any(Number) as number,
          },
        ]);
        expect(events[0]?.reportedCostUsd).toBeCloseTo(usage === null ? 0 : listCost(usage), 9);
      }

      // The second request carries the first question and answer: the session was resumed.
      const resent = recorder.requests.find((request) =>
        request.body.toString("utf8").includes(second.text),
      );
      expect(resent?.body.toString("utf8")).toContain(first.text);
      expect(resent?.body.toString("utf8")).toContain("first answer here");
      await expectNoSecretLeft(workspace.path, [apiKey]);
    } finally {
      await workspace.remove();
    }
  });

  it("runs the tool the model asks for without waiting for an approval, and counts both calls", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = claudeInput(apiKey);
      fake.script(
        {
          provider: "ANTHROPIC",
          toolCall: {
            name: "Bash",
            arguments: { command: "echo made > made.txt", description: "Make a file" },
          },
        },
        { provider: "ANTHROPIC", text: "made it" },
      );
      const run = await runClaude(input, workspace.path);

      expect(run.outcome).toBe("done");
      expect(run.events.filter((event) => event.type === "tool")).toEqual([
        { type: "tool", name: "Bash", detail: "echo made > made.txt" },
      ]);
      expect(textOf(run.events)).toBe("made it");
      const files = await readAllFiles(workspace.path);
      expect(files.get(join(workspace.path, "made.txt"))).toBe("made\n");
      // Both calls, the second with the tool's result, each counted once.
      const calls = fake
        .calls()
        .filter((call) => call.key === apiKey)
        .slice(-2);
      expect(calls.map((call) => call.text)).toEqual([expect.any(String), "made it"]);
      expect(usageEvents(run.events).map((event) => [event.callIndex, event.inputTokens])).toEqual(
        calls.map((call, index) => [index, call.usage?.inputTokens]),
      );
      const second = recorder.requests.at(-1)?.body.toString("utf8") ?? "";
      expect(second).toContain('"tool_result"');
    } finally {
      await workspace.remove();
    }
  });

  it("stops after maxCalls provider calls and ends done with stopReason max_calls", async () => {
    const workspace = await tempWorkspace();
    try {
      const input = claudeInput(apiKey, { maxCalls: 1 });
      fake.script(
        {
          provider: "ANTHROPIC",
          toolCall: { name: "Bash", arguments: { command: "echo again", description: "Echo" } },
        },
        { provider: "ANTHROPIC", text: "never asked for" },
      );
      const before = fake.calls().length;
      const run = await runClaude(input, workspace.path);

      expect(run.outcome).toBe("done");
      expect(run.events.at(-1)).toEqual({ type: "done", stopReason: "max_calls" });
      // The tool's result was never sent back: one call in all.
      expect(fake.calls().slice(before)).toHaveLength(1);
      expect(usageEvents(run.events)).toHaveLength(1);
    } finally {
      fake.reset();
      await workspace.remove();
    }
  });

  it("sends a `claude setup-token` token as a bearer token with the OAuth beta", async () => {
    const workspace = await tempWorkspace();
    const token = newSubscriptionToken();
    fake.addKey(token);
    try {
      const input = claudeInput(token, { credential: { kind: "SUBSCRIPTION", secret: token } });
      fake.script({ provider: "ANTHROPIC", text: "token answer" });
      const run = await runClaude(input, workspace.path);

      expect(run.outcome).toBe("done");
      expect(textOf(run.events)).toBe("token answer");
      expect(callsFor(input.text).map((call) => [call.key, call.auth, call.status])).toEqual([
        [token, "bearer", 200],
      ]);
      // The fake refuses a subscription token without the beta, so the header was there.
      const sent = recorder.requests.find((request) =>
        request.body.toString("utf8").includes(input.text),
      );
      expect(String(sent?.headers["anthropic-beta"])).toContain("oauth-2025-04-20");
      expect(run.events.some((event) => event.type === "credential")).toBe(false);
      await expectNoSecretLeft(workspace.path, [token]);
    } finally {
      await workspace.remove();
    }
  });

  it("refreshes an expired sign-in through platform.claude.com and hands over the rotated credentials file, which the next message uses", async () => {
    const workspace = await tempWorkspace();
    const expired = signIn(-60_000);
    // Only the refresh can make the call work: the expired access token is no key of the fake.
    fake.addRefreshToken(expired.refreshToken, { accessTokenPrefix: "sk-ant-oat01-" });
    const passEnv = { ...tls.env };
    try {
      const first = claudeInput(expired.secret, {
        credential: { kind: "SUBSCRIPTION", secret: expired.secret },
        baseUrls: { ANTHROPIC: fake.url },
      });
      const one = await runClaude(first, workspace.path, { passEnv });
      expect(one.outcome).toBe("done");

      const refreshes = fake
        .tokenRefreshes()
        .filter((r) => r.refreshToken === expired.refreshToken);
      expect(refreshes.map((refresh) => refresh.status)).toEqual([200]);
      const [refresh] = refreshes;
      expect(tls.requests()).toContainEqual({
        host: "platform.claude.com",
        method: "POST",
        path: "/v1/oauth/token",
        status: 200,
      });
      expect(callsFor(first.text).map((call) => [call.key, call.auth, call.status])).toEqual([
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
      const second = claudeInput(rotated, {
        credential: { kind: "SUBSCRIPTION", secret: rotated },
        baseUrls: { ANTHROPIC: fake.url },
      });
      const two = await runClaude(second, workspace.path, { passEnv });
      expect(two.outcome).toBe("done");
      expect(two.events.some((event) => event.type === "credential")).toBe(false);
      expect(callsFor(second.text).map((call) => [call.key, call.status])).toEqual([
        [refresh?.accessToken, 200],
      ]);
      expect(
        fake.tokenRefreshes().filter((r) => r.refreshToken === refresh?.newRefreshToken),
      ).toEqual([]);
      await expectNoSecretLeft(workspace.path, [
        expired.accessToken,
        expired.refreshToken,
        refresh?.accessToken ?? "?",
        refresh?.newRefreshToken ?? "?",
      ]);
    } finally {
      await workspace.remove();
    }
  });

  it("ends a refused API key with INVALID_API_KEY and a refused subscription with AUTHENTICATION_FAILED saying what to do", async () => {
    const workspace = await tempWorkspace();
    try {
      const unknownKey = newKey("ANTHROPIC");
      const key = await runClaude(claudeInput(unknownKey), workspace.path);
      expect(key.outcome).toBe("error");
      expect(key.events.at(-1)).toMatchObject({
        type: "error",
        code: "INVALID_API_KEY",
        status: 401,
      });

      const revoked = newSubscriptionToken();
      const token = await runClaude(
        claudeInput(revoked, { credential: { kind: "SUBSCRIPTION", secret: revoked } }),
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

  it("ends a run that outlives its time limit with AGENT_FAILED naming the limit", async () => {
    const workspace = await tempWorkspace();
    const held = fake.hold({ provider: "ANTHROPIC" });
    try {
      const input = claudeInput(apiKey, { timeLimitMs: 8000 });
      const running = runClaude(input, workspace.path);
      // The call is under way (its usage already told) when the limit strikes.
      const call = await Promise.race([held.started, running.then(() => undefined)]);
      expect(call, "the CLI reached its call within the limit").toBeDefined();
      const run = await running;
      expect(run.outcome).toBe("error");
      expect(run.events.at(-1)).toEqual({
        type: "error",
        code: "AGENT_FAILED",
        message: "Claude Code did not finish within 8 s",
      });
      // Tokens the provider counted before the stop were spent: they are reported.
      expect(usageEvents(run.events)).toMatchObject([
        { callIndex: 0, inputTokens: call?.usage?.inputTokens },
      ]);
    } finally {
      held.release();
      await workspace.remove();
    }
  });
});
