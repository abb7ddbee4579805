import { describe, expect, it } from "vitest";
import {
  credentialFix,
  credentialStatus,
  isExpiredUnrefreshable,
  jwtExpiry,
  tokenLifetime,
} from "../src/credentials/token-expiry.js";

const jwt = (payload: Record<string, unknown>): string =>
  [
    Buffer.from('{"alg":"RS256"}').toString("base64url"),
    Buffer.from(JSON.stringify(payload)).toString("base64url"),
    "c2lnbmF0dXJl",
  ].join(".");
const claude = (expiresAt?: unknown): string =>
  JSON.stringify({
    claudeAiOauth: {
      accessToken: "sk-ant-oat01-AAAA",
      refreshToken: "sk-ant-ort01-BBBB",
      expiresAt,
    },
  });
const codex = (accessToken: string): string =>
  JSON.stringify({ tokens: { access_token: accessToken, refresh_token: "rt-CCCC" } });

describe("tokenLifetime", () => {
  it("reads Claude's claudeAiOauth.expiresAt (ms) and calls it refreshable", () => {
    expect(tokenLifetime("ANTHROPIC", "SUBSCRIPTION", claude(1_800_000_000_000))).toEqual({
      expiresAt: new Date(1_800_000_000_000),
      refreshable: true,
    });
    expect(tokenLifetime("ANTHROPIC", "SUBSCRIPTION", claude())).toEqual({
      expiresAt: null,
      refreshable: true,
    });
  });

  it("reads the exp (s) of Codex's access token without verifying it", () => {
    expect(tokenLifetime("OPENAI", "SUBSCRIPTION", codex(jwt({ exp: 1_800_000_000 })))).toEqual({
      expiresAt: new Date(1_800_000_000_000),
      refreshable: true,
    });
    expect(tokenLifetime("OPENAI", "SUBSCRIPTION", codex("not-a-jwt")).expiresAt).toBeNull();
    expect(jwtExpiry(jwt({ exp: "soon" }))).toBeUndefined();
    expect(jwtExpiry("a.%%%.c")).toBeUndefined();
  });

  it("reads an OpenCode OAuth entry's expires (ms)", () => {
    const entry = JSON.stringify({ type: "oauth", access: "a", refresh: "r", expires: 5000 });
    expect(tokenLifetime("OPENAI", "SUBSCRIPTION", entry)).toEqual({
      expiresAt: new Date(5000),
      refreshable: true,
    });
  });

  it("knows nothing of API keys, setup tokens and GitHub tokens", () => {
    const unknown = { expiresAt: null, refreshable: false };
    expect(tokenLifetime("ANTHROPIC", "API_KEY", "sk-ant-api03-XXXX")).toEqual(unknown);
    expect(tokenLifetime("ANTHROPIC", "SUBSCRIPTION", "sk-ant-oat01-XXXX")).toEqual(unknown);
    expect(tokenLifetime("GITHUB_COPILOT", "SUBSCRIPTION", "github_pat_XXXX")).toEqual(unknown);
  });
});

describe("credentialStatus", () => {
  const now = new Date("2026-06-01T00:00:00Z");
  const day = 24 * 3600 * 1000;
  const at = (offset: number) => new Date(now.getTime() + offset);
  const status = (expiresAt: Date | null, refreshable = false, refusedAt: Date | null = null) =>
    credentialStatus({ expiresAt, refreshable, refusedAt }, now, 7 * day);

  it("follows the design's order: refused, refreshable, expired, expiring, valid", () => {
    expect(status(at(30 * day), false, now)).toBe("REFUSED");
    expect(status(at(-day), true)).toBe("VALID");
    expect(status(at(-1))).toBe("EXPIRED");
    expect(status(at(0))).toBe("EXPIRED");
    expect(status(at(2 * day))).toBe("EXPIRING");
    expect(status(at(8 * day))).toBe("VALID");
    expect(status(null)).toBe("VALID");
  });

  it("tells a run that cannot succeed", () => {
    expect(isExpiredUnrefreshable({ expiresAt: at(-1), refreshable: false }, now)).toBe(true);
    expect(isExpiredUnrefreshable({ expiresAt: at(-1), refreshable: true }, now)).toBe(false);
    expect(isExpiredUnrefreshable({ expiresAt: null, refreshable: false }, now)).toBe(false);
  });

  it("takes the fix from the registry", () => {
    expect(credentialFix("ANTHROPIC", "SUBSCRIPTION")).toContain("claude setup-token");
    expect(credentialFix("OPENAI", "SUBSCRIPTION")).toContain("codex login --device-auth");
  });
});
