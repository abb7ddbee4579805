import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

// The chat agent's memory between messages: the user/assistant turns, kept in the agent's
// workspace (a volume that lives as long as the agent). Never holds the credential.

const turnSchema = z.object({
  role: z.enum(["user", "assistant"]),
  text: z.string(),
  /** The message this turn belongs to (both the user's text and the reply to it). */
  messageId: z.string(),
});
export type Turn = z.infer<typeof turnSchema>;

const fileSchema = z.object({ version: z.literal(1), turns: z.array(turnSchema) });

export interface Conversation {
  turns: Turn[];
  /** Set when an unreadable file was moved aside (a warning for stderr). */
  movedAside: string | undefined;
}

export function conversationPath(workspace: string): string {
  return join(workspace, ".agentry", "conversation.json");
}

/**
 * What a resident agent last read or wrote, with the file's identity at that moment: the next
 * message reuses it as long as the file is still that one (same inode, size and change time),
 * instead of reading and checking the whole conversation again.
 */
const remembered = new Map<string, { stamp: string; turns: readonly Turn[] }>();

const stampOf = (info: { ino: number; size: number; ctimeMs: number }): string =>
  `${info.ino}:${info.size}:${info.ctimeMs}`;

/** Reads the conversation; a missing file is an empty one, a corrupt one is moved aside. */
export async function loadConversation(workspace: string): Promise<Conversation> {
  const path = conversationPath(workspace);
  let raw: string;
  let stamp: string;
  try {
    const known = remembered.get(path);
    stamp = stampOf(await stat(path));
    if (known?.stamp === stamp) return { turns: [...known.turns], movedAside: undefined };
    raw = await readFile(path, "utf8");
  } catch (error) {
    remembered.delete(path);
    if (isNotFound(error)) return { turns: [], movedAside: undefined };
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const result = fileSchema.safeParse(parsed);
  if (result.success) {
    // a file written between the stat and the read is only read again next time
    remembered.set(path, { stamp, turns: result.data.turns });
    return { turns: [...result.data.turns], movedAside: undefined };
  }
  // Keep the evidence rather than fail every later message of this agent.
  const aside = `${path}.corrupt-${Date.now()}`;
  await rename(path, aside);
  return { turns: [], movedAside: aside };
}

/** Writes the whole conversation atomically (a reader sees the old file or the new one). */
export async function saveConversation(workspace: string, turns: readonly Turn[]): Promise<void> {
  const path = conversationPath(workspace);
  await mkdir(join(workspace, ".agentry"), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ version: 1, turns }, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
  remembered.set(path, {
    stamp: stampOf(await stat(path)),
    turns: turns.map((turn) => ({ ...turn })),
  });
}

/**
 * The history a message runs with. A message that runs again (a retried job) replaces what an
 * earlier attempt of it left, so its text is not sent twice.
 */
export function withoutMessage(turns: readonly Turn[], messageId: string): Turn[] {
  return turns.filter((turn) => turn.messageId !== messageId);
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
