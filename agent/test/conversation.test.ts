import { writeFile } from "node:fs/promises";
import { afterEach, describe, expect, it } from "vitest";
import { conversationPath, loadConversation, saveConversation } from "../src/conversation.js";
import { tempWorkspace } from "./support/run-helpers.js";

// A resident agent remembers the conversation it last read or wrote; the file stays the truth.

describe("the conversation file", () => {
  const workspaces: { remove: () => Promise<void> }[] = [];
  afterEach(async () => {
    for (const workspace of workspaces.splice(0)) await workspace.remove();
  });

  it("reads back what was saved, and what anything else wrote there since", async () => {
    const workspace = await tempWorkspace();
    workspaces.push(workspace);
    const first = [{ role: "user" as const, text: "one", messageId: "m1" }];
    await saveConversation(workspace.path, first);
    expect((await loadConversation(workspace.path)).turns).toEqual(first);
    expect((await loadConversation(workspace.path)).turns).toEqual(first);

    const replaced = [
      { role: "user", text: "two", messageId: "m2" },
      { role: "assistant", text: "Echo: two", messageId: "m2" },
    ];
    await writeFile(
      conversationPath(workspace.path),
      `${JSON.stringify({ version: 1, turns: replaced })}\n`,
    );
    expect((await loadConversation(workspace.path)).turns).toEqual(replaced);
  });

  it("hands out copies: changing what was loaded changes neither the file nor the next load", async () => {
    const workspace = await tempWorkspace();
    workspaces.push(workspace);
    const saved = [{ role: "user" as const, text: "kept", messageId: "m1" }];
    await saveConversation(workspace.path, saved);
    const loaded = (await loadConversation(workspace.path)).turns;
    loaded.push({ role: "assistant", text: "not saved", messageId: "m1" });
    saved.push({ role: "user", text: "nor this", messageId: "m2" });
    expect((await loadConversation(workspace.path)).turns).toEqual([
      { role: "user", text: "kept", messageId: "m1" },
    ]);
  });
});
