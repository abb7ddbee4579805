import { randomUUID } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@agentry/prisma/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseCredential, type SystemKeys } from "../src/credentials/choose.js";
import {
  requireCredential,
  resolveCredential,
  type ResolveDeps,
} from "../src/credentials/resolve.js";
import { resolveForRun } from "../src/credentials/resolve-for-run.js";
import type { Vault } from "../src/crypto/vault.js";
import type { AgentKind, CredentialKind, KeySource, Provider } from "../src/domain/enums.js";
import { AppError } from "../src/errors/app-error.js";
import {
  createSession,
  createUser,
  newRing,
  storeCredential,
  type StoredCredential,
} from "./support/fixtures.js";

let db: TestDatabase;
let vault: Vault;

beforeAll(async () => {
  db = await createTestDatabase("core_resolve");
  vault = newRing().vault;
});
afterAll(async () => {
  await db.drop();
});

// The rules restated by hand, independent of the implementation's table: what each agent kind
// can run with, and the kind of each provider's system key.
const USABLE: Record<AgentKind, readonly CredentialKind[]> = {
  CHAT: ["API_KEY"],
  CLAUDE_CODE: ["SUBSCRIPTION", "API_KEY"],
  CODEX: ["SUBSCRIPTION", "API_KEY"],
  GEMINI_CLI: ["API_KEY"],
  COPILOT: ["SUBSCRIPTION"],
  OPENCODE: ["SUBSCRIPTION", "API_KEY"],
};
const PROVIDER_OF: Record<AgentKind, Provider> = {
  CHAT: "ANTHROPIC",
  CLAUDE_CODE: "ANTHROPIC",
  CODEX: "OPENAI",
  GEMINI_CLI: "GEMINI",
  COPILOT: "GITHUB_COPILOT",
  OPENCODE: "OPENAI",
};
const SYSTEM_KIND: Record<Provider, CredentialKind> = {
  ANTHROPIC: "API_KEY",
  OPENAI: "API_KEY",
  GEMINI: "API_KEY",
  GITHUB_COPILOT: "SUBSCRIPTION",
  GIT: "API_KEY",
};

type SessionKey = "none" | CredentialKind;
interface Case {
  readonly agentKind: AgentKind;
  readonly sessionKey: SessionKey;
  readonly accountSubscription: boolean;
  readonly accountApiKey: boolean;
  readonly systemKey: boolean;
  readonly allowSystemKeys: boolean;
}
type Expected = {
  source: KeySource;
  kind: CredentialKind;
  from: "session" | "accountSub" | "accountApi" | "system";
} | null;

function expectedFor(c: Case): Expected {
  const usable = USABLE[c.agentKind];
  if (c.sessionKey !== "none" && usable.includes(c.sessionKey)) {
    return { source: "SESSION", kind: c.sessionKey, from: "session" };
  }
  if (c.accountSubscription && usable.includes("SUBSCRIPTION")) {
    return { source: "ACCOUNT", kind: "SUBSCRIPTION", from: "accountSub" };
  }
  if (c.accountApiKey && usable.includes("API_KEY")) {
    return { source: "ACCOUNT", kind: "API_KEY", from: "accountApi" };
  }
  const systemKind = SYSTEM_KIND[PROVIDER_OF[c.agentKind]];
  if (c.systemKey && c.allowSystemKeys && usable.includes(systemKind)) {
    return { source: "SYSTEM", kind: systemKind, from: "system" };
  }
  return null;
}

const cases: Case[] = [];
for (const agentKind of Object.keys(USABLE) as AgentKind[])
  for (const sessionKey of ["none", "API_KEY", "SUBSCRIPTION"] as const)
    for (const accountSubscription of [false, true])
      for (const accountApiKey of [false, true])
        for (const systemKey of [false, true])
          for (const allowSystemKeys of [false, true])
            cases.push({
              agentKind,
              sessionKey,
              accountSubscription,
              accountApiKey,
              systemKey,
              allowSystemKeys,
            });

const yn = (b: boolean): string => (b ? "y" : "n");
const describeCase = (c: Case): string => {
  const expected = expectedFor(c);
  return (
    `${c.agentKind}: session ${c.sessionKey}, account sub ${yn(c.accountSubscription)} api ${yn(c.accountApiKey)}, ` +
    `system ${yn(c.systemKey)} allowed ${yn(c.allowSystemKeys)} → ${expected === null ? "NO_API_KEY" : `${expected.source} ${expected.kind}`}`
  );
};

describe("credential resolution, every combination against stored rows", () => {
  it.each(cases.map((c) => [describeCase(c), c] as const))("%s", async (_name, c) => {
    const prisma = db.prisma;
    const provider = PROVIDER_OF[c.agentKind];
    const user = await createUser(prisma);
    const session = await createSession(prisma, user.id);
    const stored: Partial<Record<"session" | "accountSub" | "accountApi", StoredCredential>> = {};
    if (c.sessionKey !== "none") {
      stored.session = await storeCredential(prisma, vault, {
        owner: { sessionId: session.id },
        provider,
        kind: c.sessionKey,
        version: 3,
      });
    }
    if (c.accountSubscription) {
      stored.accountSub = await storeCredential(prisma, vault, {
        owner: { userId: user.id },
        provider,
        kind: "SUBSCRIPTION",
        version: 2,
      });
    }
    if (c.accountApiKey) {
      stored.accountApi = await storeCredential(prisma, vault, {
        owner: { userId: user.id },
        provider,
        kind: "API_KEY",
        version: 5,
      });
    }
    // Decoys that must never be chosen: another user's credentials, another session's keys
    // (of the same owner), and this user's credentials for another provider.
    const stranger = await createUser(prisma);
    const otherSession = await createSession(prisma, user.id);
    const otherProvider: Provider = provider === "OPENAI" ? "ANTHROPIC" : "OPENAI";
    for (const kind of ["SUBSCRIPTION", "API_KEY"] as const) {
      await storeCredential(prisma, vault, { owner: { userId: stranger.id }, provider, kind });
      await storeCredential(prisma, vault, {
        owner: { sessionId: otherSession.id },
        provider,
        kind,
      });
      if (!c.accountSubscription && !c.accountApiKey) {
        await storeCredential(prisma, vault, {
          owner: { userId: user.id },
          provider: otherProvider,
          kind,
        });
      }
    }

    const systemSecret = `system-${provider}-${randomUUID()}`;
    const systemKeys: SystemKeys = c.systemKey ? { [provider]: systemSecret } : {};
    const deps: ResolveDeps = { prisma, systemKeys, allowSystemKeys: c.allowSystemKeys };
    const query = {
      sessionId: session.id,
      actingUserId: user.id,
      provider,
      agentKind: c.agentKind,
    };
    const expected = expectedFor(c);

    if (expected === null) {
      expect(await resolveCredential(deps, query)).toBeNull();
      await expect(requireCredential(deps, query)).rejects.toMatchObject({ code: "NO_API_KEY" });
      await expect(resolveForRun({ ...deps, vault }, query)).rejects.toMatchObject({
        code: "NO_API_KEY",
      });
      return;
    }
    const row = expected.from === "system" ? undefined : stored[expected.from];
    const resolution = {
      source: expected.source,
      provider,
      kind: expected.kind,
      credentialId: row?.id ?? null,
      credentialVersion: row?.version ?? null,
      hint: row?.hint ?? systemSecret.slice(-4),
    };
    expect(await resolveCredential(deps, query)).toEqual(resolution);
    expect(await requireCredential(deps, query)).toEqual(resolution);
    const run = await resolveForRun({ ...deps, vault }, query);
    expect(run.resolution).toEqual(resolution);
    expect(run.secret).toBe(row?.secret ?? systemSecret);
  });
});

describe("credential resolution", () => {
  async function setup() {
    const user = await createUser(db.prisma);
    const session = await createSession(db.prisma, user.id);
    return { user, session };
  }
  const deps = (): ResolveDeps => ({ prisma: db.prisma, systemKeys: {}, allowSystemKeys: true });

  it("skips an expired session key and an expired subscription, and uses what has not expired", async () => {
    const { user, session } = await setup();
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 3_600_000);
    await storeCredential(db.prisma, vault, {
      owner: { sessionId: session.id },
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      expiresAt: past,
    });
    await storeCredential(db.prisma, vault, {
      owner: { userId: user.id },
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      expiresAt: past,
    });
    const apiKey = await storeCredential(db.prisma, vault, {
      owner: { userId: user.id },
      provider: "ANTHROPIC",
      kind: "API_KEY",
      expiresAt: future,
    });
    const query = {
      sessionId: session.id,
      actingUserId: user.id,
      provider: "ANTHROPIC",
      agentKind: "CLAUDE_CODE",
    } as const;
    expect(await resolveCredential(deps(), query)).toMatchObject({
      source: "ACCOUNT",
      kind: "API_KEY",
      credentialId: apiKey.id,
    });
    // Judged by the clock it is given: an hour and a minute later the API key has expired too.
    const later = { ...deps(), now: () => new Date(Date.now() + 3_660_000) };
    expect(await resolveCredential(later, query)).toBeNull();
  });

  it("keeps a refreshable subscription past its access token's expiry (its CLI renews it)", async () => {
    const { user, session } = await setup();
    const past = new Date(Date.now() - 60_000);
    const subscription = await storeCredential(db.prisma, vault, {
      owner: { sessionId: session.id },
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      expiresAt: past,
    });
    await db.prisma.credential.update({
      where: { id: subscription.id },
      data: { refreshable: true },
    });
    const query = {
      sessionId: session.id,
      actingUserId: user.id,
      provider: "ANTHROPIC",
      agentKind: "CLAUDE_CODE",
    } as const;
    expect(await resolveCredential(deps(), query)).toMatchObject({
      source: "SESSION",
      credentialId: subscription.id,
    });
    const run = await resolveForRun({ ...deps(), vault }, query);
    expect(run.resolution.credentialId).toBe(subscription.id);
  });

  it("an expired subscription that cannot be refreshed: AUTHENTICATION_FAILED naming it and the fix, not NO_API_KEY", async () => {
    const { user, session } = await setup();
    const secret = `sk-ant-oat01-${randomUUID()}`;
    const expired = await storeCredential(db.prisma, vault, {
      owner: { userId: user.id },
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      secret,
      expiresAt: new Date(Date.now() - 60_000),
    });
    const query = {
      sessionId: session.id,
      actingUserId: user.id,
      provider: "ANTHROPIC",
      agentKind: "CLAUDE_CODE",
    } as const;
    const failure = await resolveForRun({ ...deps(), systemKeys: {}, vault }, query).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AppError);
    const error = failure as AppError;
    expect(error.code).toBe("AUTHENTICATION_FAILED");
    expect(error.message).toMatch(
      /^Your account's Anthropic .* \(…\S+\) expired at .*claude setup-token/,
    );
    expect(error.details).toMatchObject({
      provider: "ANTHROPIC",
      kind: "SUBSCRIPTION",
      source: "ACCOUNT",
      hint: expired.hint,
      credentialId: expired.id,
      credentialVersion: 1,
    });
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(
      secret.slice(0, -4),
    );
  });

  it("never uses another user's account credential, even for a member of the same session", async () => {
    const { user, session } = await setup();
    const member = await createUser(db.prisma);
    await db.prisma.sessionMember.create({ data: { sessionId: session.id, userId: member.id } });
    await storeCredential(db.prisma, vault, {
      owner: { userId: user.id },
      provider: "OPENAI",
      kind: "API_KEY",
    });
    const query = {
      sessionId: session.id,
      actingUserId: member.id,
      provider: "OPENAI",
      agentKind: "CHAT",
    } as const;
    expect(await resolveCredential(deps(), query)).toBeNull();
  });

  it("never uses another session's key", async () => {
    const { user, session } = await setup();
    const other = await createSession(db.prisma, user.id);
    await storeCredential(db.prisma, vault, {
      owner: { sessionId: other.id },
      provider: "GEMINI",
      kind: "API_KEY",
    });
    const query = {
      sessionId: session.id,
      actingUserId: user.id,
      provider: "GEMINI",
      agentKind: "GEMINI_CLI",
    } as const;
    expect(await resolveCredential(deps(), query)).toBeNull();
  });

  it("fails with NO_API_KEY, the contract's message and a hint saying where to add a key", async () => {
    const { user, session } = await setup();
    const error: unknown = await requireCredential(deps(), {
      sessionId: session.id,
      actingUserId: user.id,
      provider: "ANTHROPIC",
      agentKind: "CHAT",
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "NO_API_KEY",
      message: "No API key configured for this session",
      details: {
        provider: "ANTHROPIC",
        hint: "Add an Anthropic API key in Session Settings → Provider API Key or Account settings → API Keys",
      },
    });
    const copilot = await requireCredential(deps(), {
      sessionId: session.id,
      actingUserId: user.id,
      provider: "GITHUB_COPILOT",
      agentKind: "COPILOT",
    }).catch((e: unknown) => e);
    expect(copilot).toMatchObject({ code: "NO_API_KEY", details: { provider: "GITHUB_COPILOT" } });
    expect((copilot as AppError).details["hint"]).toContain("GitHub token for GitHub Copilot");
  });

  it("resolveForRun returns the stored plaintext and stamps lastUsedAt without touching updatedAt", async () => {
    const { user, session } = await setup();
    const key = await storeCredential(db.prisma, vault, {
      owner: { sessionId: session.id },
      provider: "OPENAI",
      kind: "API_KEY",
      secret: "sk-proj-the-real-plaintext",
    });
    const before = await db.prisma.credential.findUniqueOrThrow({ where: { id: key.id } });
    expect(before.lastUsedAt).toBeNull();
    const now = new Date(Date.now() + 5_000);
    const run = await resolveForRun(
      { ...deps(), vault, now: () => now },
      { sessionId: session.id, actingUserId: user.id, provider: "OPENAI", agentKind: "CODEX" },
    );
    expect(run.secret).toBe("sk-proj-the-real-plaintext");
    expect(run.resolution).toMatchObject({ source: "SESSION", credentialId: key.id });
    const after = await db.prisma.credential.findUniqueOrThrow({ where: { id: key.id } });
    expect(after.lastUsedAt).toEqual(now);
    expect(after.updatedAt).toEqual(before.updatedAt);
  });

  it("resolveForRun refuses a ciphertext moved onto another row", async () => {
    const { user } = await setup();
    const victim = await storeCredential(db.prisma, vault, {
      owner: { userId: user.id },
      provider: "ANTHROPIC",
      kind: "API_KEY",
    });
    const attacker = await createUser(db.prisma);
    const attackerSession = await createSession(db.prisma, attacker.id);
    const planted = await storeCredential(db.prisma, vault, {
      owner: { sessionId: attackerSession.id },
      provider: "ANTHROPIC",
      kind: "API_KEY",
    });
    const stolen = await db.prisma.credential.findUniqueOrThrow({ where: { id: victim.id } });
    await db.prisma.credential.update({
      where: { id: planted.id },
      data: { ciphertext: stolen.ciphertext, nonce: stolen.nonce, keyVersion: stolen.keyVersion },
    });
    await expect(
      resolveForRun(
        { ...deps(), vault },
        {
          sessionId: attackerSession.id,
          actingUserId: attacker.id,
          provider: "ANTHROPIC",
          agentKind: "CHAT",
        },
      ),
    ).rejects.toMatchObject({ name: "DecryptionError", reason: "not-authentic" });
  });
});

describe("chooseCredential (the pure decision)", () => {
  const query = {
    sessionId: randomUUID(),
    actingUserId: randomUUID(),
    provider: "ANTHROPIC",
    agentKind: "CLAUDE_CODE",
  } as const;
  const row = (over: Partial<Parameters<typeof chooseCredential>[0]["candidates"][number]>) => ({
    id: randomUUID(),
    userId: null,
    sessionId: null,
    provider: "ANTHROPIC" as Provider,
    kind: "API_KEY" as CredentialKind,
    version: 1,
    hint: "abcd",
    expiresAt: null,
    ...over,
  });
  const input = { query, systemKeys: {}, allowSystemKeys: true, now: new Date() };

  it("ignores rows of other owners and providers even when they are handed in", () => {
    const candidates = [
      row({ userId: randomUUID() }),
      row({ sessionId: randomUUID() }),
      row({ userId: query.actingUserId, provider: "OPENAI" }),
      row({ userId: query.actingUserId, sessionId: query.sessionId }),
    ];
    expect(chooseCredential({ ...input, candidates })).toBeNull();
  });

  it("prefers a subscription over an API key within the session's own keys", () => {
    const sub = row({ sessionId: query.sessionId, kind: "SUBSCRIPTION" });
    const candidates = [row({ sessionId: query.sessionId }), sub];
    expect(chooseCredential({ ...input, candidates })).toMatchObject({
      source: "SESSION",
      credential: sub,
    });
  });

  it("ignores an empty system key and one of a kind the agent cannot use", () => {
    expect(
      chooseCredential({ ...input, candidates: [], systemKeys: { ANTHROPIC: "  " } }),
    ).toBeNull();
    expect(
      chooseCredential({
        ...input,
        query: { ...query, provider: "GITHUB_COPILOT", agentKind: "CHAT" },
        candidates: [],
        systemKeys: { GITHUB_COPILOT: "gho_system" },
      }),
    ).toBeNull();
  });
});
