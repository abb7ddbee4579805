import { describe, expect, it } from "vitest";
import { EMPTY_STREAM, reduceAgentEvent, type AgentEvent } from "./agent-stream.js";

let seq = 0;
const event = (fields: Partial<AgentEvent> & Pick<AgentEvent, "type">): AgentEvent => ({
  seq: ++seq,
  agentId: "a1",
  messageId: "m1",
  at: "2026-01-01T00:00:00.000Z",
  text: null,
  toolName: null,
  toolDetail: null,
  status: null,
  errorCode: null,
  message: null,
  usage: null,
  ...fields,
});

const usage = (costUsd: number | null) => ({
  callIndex: 0,
  provider: "ANTHROPIC" as const,
  model: "claude-sonnet-4-5",
  keySource: "SESSION" as const,
  inputTokens: 100,
  outputTokens: 20,
  cacheReadTokens: 5,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  costUsd,
});

const fold = (events: AgentEvent[]) => events.reduce(reduceAgentEvent, EMPTY_STREAM);

describe("reduceAgentEvent", () => {
  it("joins text deltas into the run's reply as they arrive", () => {
    const state = fold([
      event({ type: "TEXT", text: "Hel" }),
      event({ type: "TEXT", text: "lo" }),
      event({ type: "TEXT", text: "!", messageId: "m2" }),
    ]);
    expect(state.runs["m1"]?.text).toBe("Hello");
    expect(state.runs["m2"]?.text).toBe("!");
    expect(state.runs["m1"]?.finished).toBe(false);
  });

  it("drops events it has already seen (a replay after a reconnect)", () => {
    const first = event({ type: "TEXT", text: "once" });
    const state = fold([first, first, { ...first }]);
    expect(state.runs["m1"]?.text).toBe("once");
    expect(state.lastSeq).toBe(first.seq);
  });

  it("adds up each call's tokens and cost, counting unpriced calls apart", () => {
    const state = fold([
      event({ type: "USAGE", usage: usage(0.002) }),
      event({ type: "USAGE", usage: usage(null) }),
    ]);
    expect(state.runs["m1"]).toMatchObject({
      calls: 2,
      tokens: 250,
      costUsd: 0.002,
      unpricedCalls: 1,
    });
  });

  it("keeps the latest status and marks runs finished on DONE or ERROR", () => {
    const state = fold([
      event({ type: "STATUS", status: "STARTING" }),
      event({ type: "STATUS", status: "BUSY" }),
      event({ type: "DONE" }),
      event({ type: "ERROR", messageId: "m2", errorCode: "INVALID_API_KEY", message: "refused" }),
      event({ type: "STATUS", status: "IDLE" }),
    ]);
    expect(state.status).toBe("IDLE");
    expect(state.runs["m1"]).toMatchObject({ finished: true });
    expect(state.runs["m1"]?.error).toBeUndefined();
    expect(state.runs["m2"]?.error).toEqual({ code: "INVALID_API_KEY", message: "refused" });
  });

  it("shows the latest tool activity while the run works, and clears it when it ends", () => {
    const working = fold([event({ type: "TOOL", toolName: "bash", toolDetail: "npm test" })]);
    expect(working.runs["m1"]?.tool).toBe("bash: npm test");
    const done = reduceAgentEvent(working, event({ type: "DONE" }));
    expect(done.runs["m1"]?.tool).toBeNull();
  });

  it("marks a stopped run finished and cancelled, keeping its text and the calls it made", () => {
    const state = fold([
      event({ type: "TEXT", text: "Half an ans" }),
      event({ type: "USAGE", usage: usage(0.001) }),
      event({ type: "TOOL", toolName: "bash" }),
      event({ type: "STATUS", status: "IDLE" }),
      event({ type: "CANCELLED" }),
    ]);
    expect(state.runs["m1"]).toMatchObject({
      text: "Half an ans",
      finished: true,
      cancelled: true,
      calls: 1,
      tool: null,
    });
    expect(state.runs["m1"]?.error).toBeUndefined();
  });
});
