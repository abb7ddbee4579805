import DataLoader from "dataloader";
import type { UserSpending } from "../admin/admin.service.js";
import type { AgentRecord } from "../agents/agent.service.js";
import type {
  CredentialChoice,
  CredentialQuery,
  CredentialRecord,
} from "../credentials/credential.service.js";
import type { MemberRecord } from "../sessions/session-member.service.js";
import type { Services } from "../services.js";
import type { UsageStats } from "../usage/usage.service.js";

// One set per operation (in its context): a field asked of every item of a list (a page of
// sessions' agents, keys, usage…) is read for all of them in one query, not one per item.
// Loaders batch and do not cache: an operation lives as long as a subscription, and what they
// read changes meanwhile. Each is built on first use, so an operation that needs none pays
// nothing.

type Readers = Pick<Services, "agents" | "credentials" | "usage" | "members" | "admin">;

/** A DataLoader over a batch read that returns a value for every id it was asked for. */
function byId<V>(read: (ids: readonly string[]) => Promise<Map<string, V>>): DataLoader<string, V> {
  return new DataLoader<string, V>(
    async (ids) => {
      const values = await read(ids);
      return ids.map((id) => values.get(id) ?? new Error(`Nothing was read for ${id}`));
    },
    { cache: false },
  );
}

export class RequestLoaders {
  #sessionAgents: DataLoader<string, AgentRecord[]> | undefined;
  #sessionKeys: DataLoader<string, CredentialRecord[]> | undefined;
  #sessionUsage: DataLoader<string, UsageStats> | undefined;
  #sessionMembers: DataLoader<string, MemberRecord[]> | undefined;
  #nextCredential: DataLoader<CredentialQuery, CredentialChoice | null> | undefined;
  #userSpending: DataLoader<string, UserSpending> | undefined;

  constructor(private readonly readers: Readers) {}

  /** A user's monthly budget and what they spent this month (a page of users in two queries). */
  get userSpending(): DataLoader<string, UserSpending> {
    return (this.#userSpending ??= byId((ids) => this.readers.admin.spendingFor(ids)));
  }

  /** A session's agents, oldest first. */
  get sessionAgents(): DataLoader<string, AgentRecord[]> {
    return (this.#sessionAgents ??= byId((ids) => this.readers.agents.forSessions(ids)));
  }

  /** A session's own keys (metadata). */
  get sessionKeys(): DataLoader<string, CredentialRecord[]> {
    return (this.#sessionKeys ??= byId((ids) => this.readers.credentials.sessionKeysFor(ids)));
  }

  /** A session's usage totals. */
  get sessionUsage(): DataLoader<string, UsageStats> {
    return (this.#sessionUsage ??= byId((ids) => this.readers.usage.statsFor(ids)));
  }

  /** Everyone with access to a session. */
  get sessionMembers(): DataLoader<string, MemberRecord[]> {
    return (this.#sessionMembers ??= byId((ids) => this.readers.members.listFor(ids)));
  }

  /** The credential a viewer's next message in a session would run with (null: none). */
  get nextCredential(): DataLoader<CredentialQuery, CredentialChoice | null> {
    return (this.#nextCredential ??= new DataLoader(
      (queries) => this.readers.credentials.nextCredentials(queries),
      { cache: false },
    ));
  }
}
