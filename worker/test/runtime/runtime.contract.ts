import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentEvent, AgentRunInput } from "@agentry/core";
import type { AgentRef, AgentRuntime, RunOptions } from "../../src/runtime/runtime.js";

// One suite every runtime must pass. With the stand-in agent (fixtures/stand-in-agent.mjs) the
// message text scripts what the agent does; with the real agent bundle only what holds for any
// agent is checked.

export interface RuntimeSubject {
  /** Shown in test names. */
  label: string;
  /**
   * A new runtime instance; a second call stands for the worker after a restart. `namespace`
   * stands for another deployment's worker on the same engine or data directory.
   */
  createRuntime(options?: { namespace?: string }): AgentRuntime;
  /** True when the agent is the scriptable stand-in. */
  scriptable: boolean;
  /** Kills the agent's environment behind the runtime's back (a crashed container). */
  killEnvironment?: (agentId: string) => Promise<void>;
  /** Fields merged into every run input (e.g. base URLs for the real agent). */
  input?: Partial<AgentRunInput>;
}

export const newSecret = (): string => `sk-test-${randomUUID()}`;

export function runInput(
  text: string,
  secret = newSecret(),
  extra: Partial<AgentRunInput> = {},
): AgentRunInput {
  return {
    messageId: randomUUID(),
    kind: "CHAT",
    attempt: 1,
    text,
    provider: "OPENAI",
    model: "gpt-test",
    credential: { kind: "API_KEY", secret },
    baseUrls: {},
    timeLimitMs: 60_000,
    maxCalls: null,
    ...extra,
  };
}

export async function collect(
  runtime: AgentRuntime,
  agentId: string,
  input: AgentRunInput,
  options: RunOptions = {},
): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const event of runtime.run(agentId, input, options)) events.push(event);
  return events;
}

export const texts = (events: readonly AgentEvent[]): string[] =>
  events.flatMap((event) => (event.type === "text" ? [event.delta] : []));

export const last = (events: readonly AgentEvent[]): AgentEvent | undefined =>
  events[events.length - 1];

function expectOneTerminalEventLast(events: readonly AgentEvent[]): void {
  const terminal = events.filter((event) => event.type === "done" || event.type === "error");
  expect(terminal).toHaveLength(1);
  expect(last(events)).toBe(terminal[0]);
}

export function expectAgentFailed(events: readonly AgentEvent[], reason: RegExp): void {
  expectOneTerminalEventLast(events);
  const final = last(events);
  expect(final).toMatchObject({ type: "error", code: "AGENT_FAILED" });
  expect(final?.type === "error" ? final.message : "").toMatch(reason);
}

export function describeRuntimeContract(subject: RuntimeSubject): void {
  describe(`runtime contract: ${subject.label}`, { timeout: 60_000 }, () => {
    // made when the tests run, not when they are collected (the image may not be built yet)
    let runtime: AgentRuntime;
    const sessions = new Set<string>();
    beforeAll(() => {
      runtime = subject.createRuntime();
    });

    const newAgent = (sessionId = randomUUID()): AgentRef => {
      sessions.add(sessionId);
      return { agentId: randomUUID(), sessionId, kind: "CHAT" };
    };
    const input = (text: string, secret?: string): AgentRunInput =>
      runInput(text, secret, subject.input);

    afterAll(async () => {
      for (const sessionId of sessions) await runtime.removeSession(sessionId);
    });

    it("ensure is idempotent and a restarted worker finds the same environment", async () => {
      const agent = newAgent();
      const first = await runtime.ensure(agent);
      expect(first.created).toBe(true);
      const again = await runtime.ensure(agent);
      expect(again).toEqual({ handle: first.handle, created: false });

      const afterRestart = subject.createRuntime();
      expect(await afterRestart.ensure(agent)).toEqual({ handle: first.handle, created: false });
      expect(await afterRestart.inspect(agent.agentId)).toMatchObject({
        state: "running",
        handle: first.handle,
      });
      expect(await afterRestart.list()).toContainEqual(
        expect.objectContaining({ ...agent, state: "running", handle: first.handle }),
      );
    });

    it("a run ends with exactly one terminal event and never reports the credential", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const secret = newSecret();
      const events = await collect(
        runtime,
        agent.agentId,
        input(subject.scriptable ? "echo hi" : "Say hi", secret),
      );
      expectOneTerminalEventLast(events);
      expect(JSON.stringify(events)).not.toContain(secret);
    });

    it("a run for an agent without an environment fails with AGENT_FAILED", async () => {
      const events = await collect(runtime, randomUUID(), input("echo hi"));
      expectAgentFailed(events, /missing/);
    });

    it("stop keeps the environment, and ensure brings it back", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      if (subject.scriptable) {
        expect(
          last(await collect(runtime, agent.agentId, input("write kept.txt across stop"))),
        ).toMatchObject({
          type: "done",
        });
      }
      await runtime.stop(agent.agentId);
      expect(await runtime.inspect(agent.agentId)).toMatchObject({ state: "stopped" });
      expect(await runtime.list()).toContainEqual(
        expect.objectContaining({ agentId: agent.agentId, state: "stopped" }),
      );
      expectAgentFailed(
        await collect(runtime, agent.agentId, input("echo hi")),
        /stopped|not running/,
      );

      const revived = await runtime.ensure(agent);
      expect(revived.created).toBe(true);
      expect(await runtime.inspect(agent.agentId)).toMatchObject({
        state: "running",
        handle: revived.handle,
      });
      if (subject.scriptable) {
        expect(texts(await collect(runtime, agent.agentId, input("read kept.txt")))).toEqual([
          "across stop",
        ]);
      }
    });

    it("remove deletes the environment and its workspace", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      if (subject.scriptable) {
        expect(
          last(await collect(runtime, agent.agentId, input("write note.txt kept"))),
        ).toMatchObject({ type: "done" });
      }
      await runtime.remove(agent.agentId);
      expect(await runtime.inspect(agent.agentId)).toEqual({ state: "missing" });
      expect((await runtime.list()).map((listed) => listed.agentId)).not.toContain(agent.agentId);
      expectAgentFailed(await collect(runtime, agent.agentId, input("echo hi")), /missing/);
      await runtime.remove(agent.agentId); // removing again is fine

      expect((await runtime.ensure(agent)).created).toBe(true);
      if (subject.scriptable) {
        expect(texts(await collect(runtime, agent.agentId, input("exists note.txt")))).toEqual([
          "no",
        ]);
      }
    });

    it("removeSession removes every agent of that session and no other", async () => {
      const sessionId = randomUUID();
      const mine = [newAgent(sessionId), newAgent(sessionId)];
      const other = newAgent();
      for (const agent of [...mine, other]) await runtime.ensure(agent);
      await runtime.stop(mine[1]!.agentId); // stopped ones go too

      await runtime.removeSession(sessionId);
      for (const agent of mine)
        expect(await runtime.inspect(agent.agentId)).toEqual({ state: "missing" });
      const listed = (await runtime.list()).map((agent) => agent.agentId);
      expect(listed).not.toContain(mine[0]!.agentId);
      expect(listed).not.toContain(mine[1]!.agentId);
      expect(await runtime.inspect(other.agentId)).toMatchObject({ state: "running" });
    });

    if (subject.killEnvironment !== undefined) {
      const killEnvironment = subject.killEnvironment;
      it("an environment killed from outside is replaced by the next ensure, workspace kept", async () => {
        const agent = newAgent();
        const first = await runtime.ensure(agent);
        if (subject.scriptable) {
          expect(
            last(await collect(runtime, agent.agentId, input("write survivor.txt still here"))),
          ).toMatchObject({
            type: "done",
          });
        }
        await killEnvironment(agent.agentId);
        expect(await runtime.inspect(agent.agentId)).toMatchObject({ state: "stopped" });
        expectAgentFailed(await collect(runtime, agent.agentId, input("echo hi")), /not running/);

        const second = await runtime.ensure(agent);
        expect(second.created).toBe(true);
        expect(second.handle).not.toBe(first.handle);
        if (subject.scriptable) {
          expect(texts(await collect(runtime, agent.agentId, input("read survivor.txt")))).toEqual([
            "still here",
          ]);
        }
      });
    }

    it("lists only its own namespace's environments, so another deployment's reconciliation leaves them alone", async () => {
      const agent = newAgent();
      const namespaced = subject.createRuntime({ namespace: `ns-${randomUUID().slice(0, 8)}:` });
      await namespaced.ensure(agent);
      try {
        const ids = async (r: AgentRuntime) => (await r.list()).map((listed) => listed.agentId);
        expect(await ids(namespaced)).toContain(agent.agentId);
        expect(await ids(runtime)).not.toContain(agent.agentId);
        const mine = newAgent();
        await runtime.ensure(mine);
        expect(await ids(namespaced)).not.toContain(mine.agentId);
      } finally {
        await namespaced.remove(agent.agentId);
      }
    });

    it("has no journal for a run that never happened", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      expect(await runtime.readJournal(agent.agentId, randomUUID(), 1)).toBeNull();
    });

    if (!subject.scriptable) {
      it("reads back a run's journal: exactly the events the agent reported", async () => {
        const agent = newAgent();
        await runtime.ensure(agent);
        const secret = newSecret();
        const run = input("Say hi", secret);
        const events = await collect(runtime, agent.agentId, run);
        const journal = await runtime.readJournal(agent.agentId, run.messageId, run.attempt);
        expect(
          journal
            ?.trimEnd()
            .split("\n")
            .map((line) => JSON.parse(line) as unknown),
        ).toEqual(events);
        expect(journal).not.toContain(secret);
      });
      return;
    }

    it("streams a message's events in order", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const events = await collect(runtime, agent.agentId, input("echo one two three"));
      expect(events).toEqual([
        { type: "text", delta: "one" },
        { type: "text", delta: "two" },
        { type: "text", delta: "three" },
        expect.objectContaining({
          type: "usage",
          callIndex: 0,
          provider: "OPENAI",
          model: "gpt-test",
          outputTokens: 5,
        }),
        { type: "done", stopReason: "end_turn" },
      ]);
    });

    it("hands the run's credential to the agent", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const secret = newSecret();
      const events = await collect(runtime, agent.agentId, input("secret-hash", secret));
      expect(texts(events)).toEqual([createHash("sha256").update(secret).digest("hex")]);
    });

    it("keeps the credential out of the agent's environment", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const secret = newSecret();
      const events = await collect(runtime, agent.agentId, input("env-has-secret", secret), {
        env: { EXTRA: "1" },
      });
      expect(texts(events)).toEqual(["no"]);
    });

    it("keeps the workspace between messages", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      expect(
        last(await collect(runtime, agent.agentId, input("write plan.txt step one"))),
      ).toMatchObject({
        type: "done",
      });
      await runtime.ensure(agent);
      expect(texts(await collect(runtime, agent.agentId, input("read plan.txt")))).toEqual([
        "step one",
      ]);
    });

    it("a non-zero exit becomes AGENT_FAILED with the exit code, without the credential, and the next run works", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const secret = newSecret();
      const events = await collect(runtime, agent.agentId, input("exit 3", secret));
      expect(events[0]).toEqual({ type: "text", delta: "about to exit" });
      expectAgentFailed(events, /exited with code 3/);
      expect(JSON.stringify(events)).not.toContain(secret);

      await runtime.ensure(agent);
      expect(texts(await collect(runtime, agent.agentId, input("echo recovered")))).toEqual([
        "recovered",
      ]);
    });

    it("a killed agent becomes AGENT_FAILED naming the signal", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      expectAgentFailed(await collect(runtime, agent.agentId, input("kill-self")), /SIGKILL/);
    });

    it("an agent that exits cleanly without done or error becomes AGENT_FAILED", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const events = await collect(runtime, agent.agentId, input("no-done"));
      expect(events[0]).toEqual({ type: "text", delta: "forgot to finish" });
      expectAgentFailed(events, /without reporting a result/);
    });

    it("drops lines that are not events and anything after the terminal event", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      expect(await collect(runtime, agent.agentId, input("noise"))).toEqual([
        { type: "text", delta: "after noise" },
        { type: "done" },
      ]);
    });

    it("the agent's own error event ends the run as reported, with no second error", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      expect(await collect(runtime, agent.agentId, input("fail"))).toEqual([
        {
          type: "error",
          code: "INVALID_API_KEY",
          status: 401,
          message: "Provider refused the key",
        },
      ]);
    });

    it("an abort signal kills a long run, and the environment stays usable", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const controller = new AbortController();
      const events: AgentEvent[] = [];
      for await (const event of runtime.run(agent.agentId, input("hang long.pid"), {
        signal: controller.signal,
      })) {
        events.push(event);
        if (event.type === "text" && event.delta === "started") controller.abort();
      }
      expect(events[0]).toEqual({ type: "text", delta: "started" });
      expectAgentFailed(events, /aborted/);
      expect(texts(await collect(runtime, agent.agentId, input("alive long.pid")))).toEqual([
        "dead",
      ]);
      expect(await runtime.ensure(agent)).toMatchObject({ created: false });
    });

    it("leaving the event loop early kills the run", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      for await (const event of runtime.run(agent.agentId, input("hang left.pid"))) {
        if (event.type === "text") break;
      }
      await expect
        .poll(async () => texts(await collect(runtime, agent.agentId, input("alive left.pid"))), {
          timeout: 5_000,
        })
        .toEqual(["dead"]);
    });

    it("passes the run's extra environment to the agent", async () => {
      const agent = newAgent();
      await runtime.ensure(agent);
      const events = await collect(runtime, agent.agentId, input("env"), {
        env: { AGENTRY_TEST_FLAG: "1" },
      });
      expect(JSON.parse(texts(events)[0] ?? "[]")).toContain("AGENTRY_TEST_FLAG");
    });
  });
}
