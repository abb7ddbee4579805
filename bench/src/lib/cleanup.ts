// What a bench started (databases, containers, sockets, servers), undone in reverse order: by the
// bench itself when it ends, or all at once when the run is interrupted or hits its time limit.

interface Entry {
  readonly label: string;
  readonly undo: () => Promise<void>;
}

export class Cleanups {
  readonly #entries: Entry[] = [];

  /** Registers `undo`; the returned function runs it now (once) and unregisters it. */
  defer(label: string, undo: () => Promise<void>): () => Promise<void> {
    const entry: Entry = { label, undo };
    this.#entries.push(entry);
    return async () => {
      const index = this.#entries.indexOf(entry);
      if (index === -1) return;
      this.#entries.splice(index, 1);
      await runOne(entry);
    };
  }

  /** Runs every registered undo, newest first; failures are reported, not thrown. */
  async runAll(): Promise<void> {
    for (let entry = this.#entries.pop(); entry !== undefined; entry = this.#entries.pop()) {
      await runOne(entry);
    }
  }
}

async function runOne(entry: Entry): Promise<void> {
  try {
    await entry.undo();
  } catch (error) {
    console.error(`cleanup of ${entry.label} failed:`, error);
  }
}
