import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startFakeProvider, type FakeProvider } from "@agentry/fake-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  verificationRequest,
  verifyWithProvider,
  type VerifyBaseUrls,
} from "../src/credential-checks/provider-verify.js";

// verifyCredential's call to each provider, against the fake provider (which checks credentials
// as the real ones do) and against servers that answer oddly or not at all.

let fake: FakeProvider;
let base: VerifyBaseUrls;
let odd: Server;
let oddUrl: string;
let oddAnswer: { status: number; body: string } | "hang" = "hang";

beforeAll(async () => {
  fake = await startFakeProvider();
  base = {
    ANTHROPIC: fake.baseUrls.anthropic,
    OPENAI: fake.baseUrls.openai,
    GEMINI: fake.baseUrls.gemini,
    GITHUB_COPILOT: fake.baseUrls.githubCopilot,
  };
  odd = createServer((req, res) => {
    req.resume();
    if (oddAnswer === "hang") return;
    res.writeHead(oddAnswer.status, { "content-type": "application/json" });
    res.end(oddAnswer.body);
  });
  await new Promise<void>((resolve) => odd.listen(0, "127.0.0.1", resolve));
  oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
});
afterAll(async () => {
  odd.closeAllConnections();
  await new Promise((resolve) => odd.close(resolve));
  await fake.close();
});

const token = (prefix: string) => `${prefix}${randomBytes(24).toString("base64url")}`;

const verify = (
  provider: Parameters<typeof verificationRequest>[0],
  kind: Parameters<typeof verificationRequest>[1],
  secret: string,
  urls: VerifyBaseUrls = base,
  timeoutMs = 5_000,
) => {
  const request = verificationRequest(provider, kind, secret, urls);
  if (request === undefined) throw new Error(`no verification for ${provider}`);
  return verifyWithProvider(request, "Provider", timeoutMs);
};

describe("verifying with the provider", () => {
  it("is VALID for each provider's credential the provider knows, and REFUSED for one it does not", async () => {
    const claude = JSON.stringify({
      claudeAiOauth: {
        accessToken: token("sk-ant-oat01-"),
        refreshToken: token("sk-ant-ort01-"),
        expiresAt: Date.now() + 3_600_000,
        scopes: ["user:inference"],
      },
    });
    const codex = JSON.stringify({
      auth_mode: "chatgpt",
      tokens: { access_token: token("eyJ"), refresh_token: token("rt_"), account_id: "acct-1" },
    });
    const cases = [
      ["ANTHROPIC", "API_KEY", token("sk-ant-api03-"), token("sk-ant-api03-")],
      ["ANTHROPIC", "SUBSCRIPTION", token("sk-ant-oat01-"), token("sk-ant-oat01-")],
      [
        "ANTHROPIC",
        "SUBSCRIPTION",
        claude,
        claude.replace(/sk-ant-oat01-[\w-]+/, "sk-ant-oat01-x"),
      ],
      ["OPENAI", "API_KEY", token("sk-proj-"), token("sk-proj-")],
      ["OPENAI", "SUBSCRIPTION", codex, codex.replace(/eyJ[\w-]+/, "eyJother")],
      ["GEMINI", "API_KEY", token("AIza"), token("AIza")],
      ["GITHUB_COPILOT", "SUBSCRIPTION", token("github_pat_"), token("github_pat_")],
    ] as const;
    for (const [provider, kind, known, unknown] of cases) {
      const accessToken = /"(?:accessToken|access_token)":"([^"]+)"/.exec(known)?.[1] ?? known;
      fake.addKey(accessToken);
      expect(await verify(provider, kind, known), `${provider} ${kind}`).toMatchObject({
        result: "VALID",
        status: 200,
      });
      const refused = await verify(provider, kind, unknown);
      expect(refused.result, `${provider} ${kind}`).toBe("REFUSED");
      expect(refused.status).toBe(provider === "GEMINI" ? 400 : 401);
      expect(refused.message).not.toContain(unknown.slice(8, 30));
    }
  });

  it("REFUSED on 403, UNREACHABLE with the status on 429 and 5xx", async () => {
    const urls = { GEMINI: oddUrl };
    oddAnswer = { status: 403, body: '{"error":{"code":403,"status":"PERMISSION_DENIED"}}' };
    expect(await verify("GEMINI", "API_KEY", token("AIza"), urls)).toMatchObject({
      result: "REFUSED",
      status: 403,
    });
    for (const status of [429, 500, 503]) {
      oddAnswer = { status, body: "{}" };
      expect(await verify("GEMINI", "API_KEY", token("AIza"), urls)).toMatchObject({
        result: "UNREACHABLE",
        status,
      });
    }
    // A plain 400 says nothing about the key.
    oddAnswer = { status: 400, body: '{"error":{"status":"INVALID_ARGUMENT"}}' };
    expect(await verify("GEMINI", "API_KEY", token("AIza"), urls)).toMatchObject({
      result: "UNREACHABLE",
      status: 400,
    });
  });

  it("UNREACHABLE without a status when the connection is refused or nothing answers in time", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await verify("OPENAI", "API_KEY", token("sk-"), { OPENAI: closedUrl });
    expect(refused).toMatchObject({ result: "UNREACHABLE", status: null });
    expect(refused.message).toMatch(/ECONNREFUSED/);

    oddAnswer = "hang";
    const started = Date.now();
    const silent = await verify("GEMINI", "API_KEY", token("AIza"), { GEMINI: oddUrl }, 300);
    expect(silent).toMatchObject({ result: "UNREACHABLE", status: null });
    expect(silent.message).toMatch(/did not answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("does not follow a redirect (the credential's header would go along)", async () => {
    const seen: string[] = [];
    const target = createServer((req, res) => {
      seen.push(req.url ?? "");
      res.end("{}");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
    oddAnswer = { status: 302, body: "" };
    const redirecting = createServer((req, res) => {
      req.resume();
      res.writeHead(302, { location: `${targetUrl}/stolen` });
      res.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    const redirectingUrl = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`;
    try {
      expect(
        await verify("ANTHROPIC", "API_KEY", token("sk-ant-api03-"), { ANTHROPIC: redirectingUrl }),
      ).toMatchObject({ result: "UNREACHABLE", status: 302 });
      expect(seen).toEqual([]);
    } finally {
      await new Promise((resolve) => redirecting.close(resolve));
      await new Promise((resolve) => target.close(resolve));
    }
  });
});
