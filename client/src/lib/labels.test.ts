import { describe, expect, it } from "vitest";
import { agentStatusText, keySourceLabel } from "./labels.js";

describe("keySourceLabel", () => {
  it("names each key source the way the settings tab shows it", () => {
    expect(keySourceLabel("SESSION")).toBe("Using this session's key");
    expect(keySourceLabel("ACCOUNT")).toBe("Using your account key");
    expect(keySourceLabel("SYSTEM")).toBe("Using the system key");
  });

  it("asks for a key when no key would be used", () => {
    expect(keySourceLabel(null)).toBe("No key — add one");
    expect(keySourceLabel(undefined)).toBe("No key — add one");
  });
});

describe("agentStatusText", () => {
  it("says what the agent is doing", () => {
    expect(agentStatusText("STARTING")).toBe("Starting container");
    expect(agentStatusText("BUSY")).toBe("Working");
    expect(agentStatusText("IDLE", "ignored when not failed")).toBe("Idle");
  });

  it("gives the reason of a failure when there is one", () => {
    expect(agentStatusText("FAILED", "The container could not start")).toBe(
      "Failed: The container could not start",
    );
    expect(agentStatusText("FAILED", null)).toBe("Failed");
  });
});
