import type { Viewer } from "../graphql/context.js";
import type { TokenRevocations } from "./token-revocations.js";

// Who a bearer token stands for, remembered for a few seconds so a request does not pay a
// database read for it. Safe against revocation: every api process hears every revocation
// (token-revocations.ts) and drops the token at once; while that channel is down nothing is
// cached or served from here; and a read that a revocation (or a gap in hearing them) overlapped
// caches nothing, since the row it read may predate the revocation.

/** How long a token's viewer is served from memory before the database is asked again. */
export const TOKEN_CACHE_TTL_MS = 10_000;
/** Tokens remembered at most (least recently used ones go first). */
export const TOKEN_CACHE_MAX_ENTRIES = 10_000;

export interface CachedToken {
  readonly viewer: Viewer;
  /** When the token itself expires (ms since the epoch); null: never. */
  readonly expiresAt: number | null;
  /** The token's lastUsedAt as last written (ms since the epoch), null: never used. */
  lastUsedAt: number | null;
}

interface Entry extends CachedToken {
  readonly tokenHash: string;
  readonly cachedAt: number;
}

/** What a lookup must hand back to `set`: the state of the cache when its read began. */
export type CacheTicket = number;

export class TokenCache {
  /** By token hash, least recently used first (a Map keeps insertion order). */
  private readonly entries = new Map<string, Entry>();
  private readonly hashesByTokenId = new Map<string, string>();
  /** Bumped at every revocation and every gap: reads begun before it cache nothing. */
  private generation = 0;
  private readonly stopListening: readonly (() => void)[];

  constructor(
    private readonly revocations: TokenRevocations,
    private readonly now: () => number = Date.now,
    private readonly ttlMs = TOKEN_CACHE_TTL_MS,
    private readonly maxEntries = TOKEN_CACHE_MAX_ENTRIES,
  ) {
    this.stopListening = [
      revocations.onRevoked((tokenId) => {
        this.drop(tokenId);
      }),
      revocations.onMissed(() => {
        this.clear();
      }),
    ];
  }

  /** The cached token, when it is fresh, unexpired and revocations are being heard. */
  get(tokenHash: string): CachedToken | undefined {
    const entry = this.entries.get(tokenHash);
    if (entry === undefined) return undefined;
    if (!this.usable(entry)) {
      this.remove(entry);
      return undefined;
    }
    // Most recently used last.
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, entry);
    return entry;
  }

  /** Whether a token is known live from here (cached and fresh); undefined: ask the database. */
  isLive(tokenId: string): true | undefined {
    const hash = this.hashesByTokenId.get(tokenId);
    if (hash === undefined) return undefined;
    return this.get(hash) === undefined ? undefined : true;
  }

  /** Taken before reading a token's row; `set` refuses results of reads that a gap overlapped. */
  ticket(): CacheTicket {
    return this.generation;
  }

  set(tokenHash: string, token: CachedToken, ticket: CacheTicket): void {
    if (ticket !== this.generation || !this.revocations.hearing()) return;
    const existing = this.entries.get(tokenHash);
    if (existing !== undefined) this.remove(existing);
    const entry: Entry = { ...token, tokenHash, cachedAt: this.now() };
    this.entries.set(tokenHash, entry);
    this.hashesByTokenId.set(token.viewer.tokenId, tokenHash);
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.values().next();
      if (oldest.done !== true) this.remove(oldest.value);
    }
  }

  /** Forgets a revoked token, and keeps reads already under way from caching it again. */
  drop(tokenId: string): void {
    this.generation += 1;
    const hash = this.hashesByTokenId.get(tokenId);
    const entry = hash === undefined ? undefined : this.entries.get(hash);
    if (entry !== undefined) this.remove(entry);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
    this.hashesByTokenId.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    for (const stop of this.stopListening) stop();
    this.clear();
  }

  private usable(entry: Entry): boolean {
    const now = this.now();
    return (
      now - entry.cachedAt < this.ttlMs &&
      (entry.expiresAt === null || entry.expiresAt > now) &&
      this.revocations.hearing()
    );
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.tokenHash);
    if (this.hashesByTokenId.get(entry.viewer.tokenId) === entry.tokenHash) {
      this.hashesByTokenId.delete(entry.viewer.tokenId);
    }
  }
}
