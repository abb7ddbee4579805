import { describe, expect, it } from "vitest";
import { agentEventPayloadSchema, parseTextEvent } from "../src/topics.js";

// parseTextEvent checks TEXT events by hand on the api's live path: it must never take what the
// schema refuses, must give what the schema gives, and must take every TEXT event the schema takes.

const valid = {
  seq: 7,
  agentId: "0b6f1a2e-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
  messageId: "5d2c1b0a-9f8e-4d7c-b6a5-4f3e2d1c0b9a",
  at: "2026-11-30T21:00:00.123Z",
  type: "TEXT",
  text: "Hello, world",
};

const accepted: Record<string, unknown>[] = [
  valid,
  { ...valid, messageId: null },
  { ...valid, seq: 0 },
  { ...valid, seq: Number.MAX_SAFE_INTEGER },
  { ...valid, text: "" },
  { ...valid, at: "2026-11-30T21:00:00Z" },
  { ...valid, at: "2026-11-30T21:00:00.5+02:00" },
  { ...valid, agentId: valid.agentId.toUpperCase() },
  { ...valid, agentId: "00000000-0000-0000-0000-000000000000" },
  { ...valid, unknownKey: "left out" },
];

const refused: unknown[] = [
  null,
  "TEXT",
  [],
  { ...valid, seq: -1 },
  { ...valid, seq: 1.5 },
  { ...valid, seq: "7" },
  { ...valid, seq: 2 ** 53 },
  { ...valid, seq: undefined },
  { ...valid, agentId: "agent-1" },
  { ...valid, agentId: "0b6f1a2e-3c4d-9e5f-8a9b-0c1d2e3f4a5b" },
  { ...valid, agentId: "0b6f1a2e3c4d4e5f8a9b0c1d2e3f4a5b" },
  { ...valid, messageId: undefined },
  { ...valid, messageId: "" },
  { ...valid, at: "2026-11-30T21:00:00" },
  { ...valid, at: "2026-11-30" },
  { ...valid, at: "2026-11-30T21:00Z" },
  { ...valid, at: "2026-13-30T21:00:00Z" },
  { ...valid, at: 1764536400000 },
  { ...valid, text: 42 },
  { ...valid, text: null },
  { ...valid, type: "text" },
];

describe("parseTextEvent", () => {
  it("takes every TEXT event the schema takes, giving what the schema gives", () => {
    for (const event of accepted) {
      const schema = agentEventPayloadSchema.safeParse(event);
      expect(schema.success, JSON.stringify(event)).toBe(true);
      expect(parseTextEvent(event), JSON.stringify(event)).toStrictEqual(schema.data);
    }
  });

  it("refuses what the schema refuses", () => {
    for (const event of refused) {
      expect(agentEventPayloadSchema.safeParse(event).success, JSON.stringify(event)).toBe(false);
      expect(parseTextEvent(event), JSON.stringify(event)).toBeUndefined();
    }
  });

  it("leaves the other types to the schema", () => {
    const done = { ...valid, type: "DONE", text: undefined };
    expect(agentEventPayloadSchema.safeParse(done).success).toBe(true);
    expect(parseTextEvent(done)).toBeUndefined();
  });
});
