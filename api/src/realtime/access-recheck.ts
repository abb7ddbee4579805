import type { AuthService } from "../auth/auth.service.js";
import type { Viewer } from "../graphql/context.js";
import type { SessionAccessService } from "../sessions/session-access.service.js";

// A live subscription re-checks, every so often while its events flow, that its viewer's token
// still works and that they still see the session. An event reaches every subscriber of a topic
// in the same turn of the event loop, so their re-checks fall due together: they are answered
// together, with one query for the tokens and one per session, instead of two per subscriber.

interface Pending {
  readonly tokenIds: Set<string>;
  /** Per session: per user, the checks waiting for the answer. */
  readonly sessions: Map<string, Map<string, Check[]>>;
}

interface Check {
  readonly tokenId: string;
  readonly resolve: (allowed: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** Answers "may this viewer still see this session?" for many subscriptions at once. */
export class AccessRechecks {
  #pending: Pending | undefined;

  constructor(
    private readonly auth: AuthService,
    private readonly access: SessionAccessService,
  ) {}

  /** Whether the viewer's token is valid and they may read the session, as of the next batch. */
  allowed(viewer: Viewer, sessionId: string): Promise<boolean> {
    let pending = this.#pending;
    if (pending === undefined) {
      pending = { tokenIds: new Set(), sessions: new Map() };
      this.#pending = pending;
      // After the I/O of this turn: the re-checks of one event's subscribers all come in first.
      setImmediate(() => {
        this.#pending = undefined;
        void this.#answer(pending as Pending);
      });
    }
    pending.tokenIds.add(viewer.tokenId);
    let users = pending.sessions.get(sessionId);
    if (users === undefined) {
      users = new Map();
      pending.sessions.set(sessionId, users);
    }
    let checks = users.get(viewer.userId);
    if (checks === undefined) {
      checks = [];
      users.set(viewer.userId, checks);
    }
    const waiting = checks;
    return new Promise((resolve, reject) => {
      waiting.push({ tokenId: viewer.tokenId, resolve, reject });
    });
  }

  async #answer(pending: Pending): Promise<void> {
    const active = this.auth.activeTokens([...pending.tokenIds]);
    await Promise.all(
      [...pending.sessions].map(async ([sessionId, users]) => {
        const checks = [...users.values()].flat();
        try {
          const [tokens, readers] = await Promise.all([
            active,
            this.access.readersAmong(sessionId, [...users.keys()]),
          ]);
          for (const [userId, ofUser] of users) {
            for (const check of ofUser)
              check.resolve(tokens.has(check.tokenId) && readers.has(userId));
          }
        } catch (error) {
          for (const check of checks) check.reject(error);
        }
      }),
    );
  }
}
