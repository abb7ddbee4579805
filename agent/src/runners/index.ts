import type { AgentKind } from "@agentry/core";
import { runChat } from "./chat.js";
import { runCodex } from "./codex.js";
import { notRunnable, type AgentRunner } from "./runner.js";

/** One runner per agent kind: a new CLI is one runner here and one registration in core. */
export const RUNNERS: Readonly<Record<AgentKind, AgentRunner>> = {
  CHAT: runChat,
  CLAUDE_CODE: notRunnable("CLAUDE_CODE"),
  CODEX: runCodex,
  GEMINI_CLI: notRunnable("GEMINI_CLI"),
  COPILOT: notRunnable("COPILOT"),
  OPENCODE: notRunnable("OPENCODE"),
};
