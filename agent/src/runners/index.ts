import type { AgentKind } from "@agentry/core/protocol";
import { runChat } from "./chat.js";
import { runClaudeCode } from "./claude-code.js";
import { runCodex } from "./codex.js";
import { runCopilot } from "./copilot.js";
import { runGeminiCli } from "./gemini-cli.js";
import { runOpenCode } from "./opencode.js";
import type { AgentRunner } from "./runner.js";

/** One runner per agent kind: a new CLI is one runner here and one registration in core. */
export const RUNNERS: Readonly<Record<AgentKind, AgentRunner>> = {
  CHAT: runChat,
  CLAUDE_CODE: runClaudeCode,
  CODEX: runCodex,
  GEMINI_CLI: runGeminiCli,
  COPILOT: runCopilot,
  OPENCODE: runOpenCode,
};
