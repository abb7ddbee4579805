-- AlterTable: an agent's name, so two agents of one kind can be told apart (editable).
-- Existing agents take their kind's name.
ALTER TABLE "Agent" ADD COLUMN     "name" TEXT NOT NULL DEFAULT '';
UPDATE "Agent" SET "name" = CASE "kind"
  WHEN 'CHAT' THEN 'Chat'
  WHEN 'CLAUDE_CODE' THEN 'Claude Code'
  WHEN 'CODEX' THEN 'Codex'
  WHEN 'GEMINI_CLI' THEN 'Gemini CLI'
  WHEN 'COPILOT' THEN 'GitHub Copilot'
  WHEN 'OPENCODE' THEN 'OpenCode'
  ELSE "kind"::text END;
