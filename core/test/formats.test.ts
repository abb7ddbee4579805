import { describe, expect, it } from "vitest";
import {
  hintFor,
  inferCredentialKind,
  secretHint,
  validateSecret,
  PROVIDER_LABELS,
} from "../src/credentials/formats.js";
import type { CredentialKind, Provider } from "../src/domain/enums.js";
import { AppError } from "../src/errors/app-error.js";

// Secret bodies from letters no message uses, so a leaked piece cannot hide in ordinary words.
const body = (length: number): string => "QXZWVJK".repeat(Math.ceil(length / 7)).slice(0, length);
const codexAuthJson = (tokens: Record<string, unknown>): string =>
  JSON.stringify(
    {
      auth_mode: "chatgpt",
      OPENAI_API_KEY: null,
      tokens: { id_token: `eyJ${body(40)}`, account_id: "acct", ...tokens },
      last_refresh: "2026-01-01T00:00:00Z",
    },
    null,
    2,
  );
const goodAuthJson = codexAuthJson({
  access_token: `eyJ${body(60)}WXYZ`,
  refresh_token: `rt_${body(40)}`,
});

// Claude Code's ~/.claude/.credentials.json, as `claude` writes it after signing in.
const claudeCredentialsJson = (oauth: Record<string, unknown>): string =>
  JSON.stringify({
    claudeAiOauth: {
      expiresAt: 1_800_000_000_000,
      scopes: ["user:inference", "user:profile", "user:sessions:claude_code"],
      subscriptionType: "max",
      ...oauth,
    },
  });
const goodClaudeJson = claudeCredentialsJson({
  accessToken: `sk-ant-oat01-${body(60)}LMNP`,
  refreshToken: `sk-ant-ort01-${body(60)}`,
});

type Case = readonly [Provider, CredentialKind, string];

const accepted: readonly Case[] = [
  ["ANTHROPIC", "API_KEY", `sk-ant-api03-${body(90)}`],
  ["ANTHROPIC", "API_KEY", `  sk-ant-api03-${body(20)}\n`],
  ["ANTHROPIC", "SUBSCRIPTION", `sk-ant-oat01-${body(90)}`],
  ["ANTHROPIC", "SUBSCRIPTION", goodClaudeJson],
  ["ANTHROPIC", "SUBSCRIPTION", `\n${JSON.stringify(JSON.parse(goodClaudeJson), null, 2)}\n`],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({
      accessToken: `sk-ant-oat01-${body(40)}`,
      refreshToken: `sk-ant-ort01-${body(40)}`,
      expiresAt: undefined,
      scopes: undefined,
    }),
  ],
  ["OPENAI", "API_KEY", `sk-proj-${body(120)}`],
  ["OPENAI", "API_KEY", `sk-${body(48)}`],
  ["OPENAI", "SUBSCRIPTION", goodAuthJson],
  ["GEMINI", "API_KEY", `AIza${body(35)}`],
  ["GEMINI", "API_KEY", body(20)],
  ["GITHUB_COPILOT", "SUBSCRIPTION", `gho_${body(36)}`],
  ["GITHUB_COPILOT", "SUBSCRIPTION", `ghu_${body(36)}`],
  ["GITHUB_COPILOT", "SUBSCRIPTION", `github_pat_${body(82)}`],
  ["ANTHROPIC", "API_KEY", `sk-ant-${body(512 - 7)}`],
];

// [provider, kind, secret, a piece the message must hold]
const refused: readonly (readonly [Provider, CredentialKind, string, string])[] = [
  ["ANTHROPIC", "API_KEY", `sk-ant-oat01-${body(90)}`, "kind SUBSCRIPTION"],
  ["ANTHROPIC", "API_KEY", `sk-proj-${body(60)}`, "starts with sk-ant-"],
  ["ANTHROPIC", "API_KEY", "", "is empty"],
  ["ANTHROPIC", "API_KEY", "   ", "is empty"],
  ["ANTHROPIC", "API_KEY", `sk-ant-${body(506)}`, "at most 512"],
  ["ANTHROPIC", "API_KEY", `sk-ant-api03-${body(20)} ${body(20)}`, "without spaces"],
  ["ANTHROPIC", "API_KEY", `sk-ant-api03-${body(20)}\n${body(20)}`, "line breaks"],
  ["ANTHROPIC", "API_KEY", `sk-ant-api03-${body(20)}\t${body(20)}`, "without spaces"],
  ["ANTHROPIC", "API_KEY", `sk-ant-api03-${body(20)}\u0007${body(20)}`, "control characters"],
  ["ANTHROPIC", "API_KEY", `sk-ant-api03-${body(20)}é${body(20)}`, "printable ASCII"],
  ["ANTHROPIC", "SUBSCRIPTION", `sk-ant-api03-${body(60)}`, "kind API_KEY"],
  ["ANTHROPIC", "SUBSCRIPTION", `oauth_${body(60)}`, "starts with sk-ant-oat01-"],
  ["ANTHROPIC", "API_KEY", goodClaudeJson, "kind SUBSCRIPTION"],
  ["ANTHROPIC", "SUBSCRIPTION", `{"claudeAiOauth": ${body(30)}`, "claudeAiOauth"],
  ["ANTHROPIC", "SUBSCRIPTION", `[${JSON.stringify(body(30))}]`, ".credentials.json"],
  ["ANTHROPIC", "SUBSCRIPTION", goodAuthJson, "claudeAiOauth is missing"],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({ accessToken: "", refreshToken: `sk-ant-ort01-${body(30)}` }),
    "non-empty",
  ],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({ accessToken: `sk-ant-oat01-${body(30)}` }),
    "claudeAiOauth.refreshToken",
  ],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({ accessToken: 42, refreshToken: `sk-ant-ort01-${body(30)}` }),
    "string",
  ],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({
      accessToken: `sk-ant-oat01-${body(20)} ${body(20)}`,
      refreshToken: `sk-ant-ort01-${body(30)}`,
    }),
    "printable ASCII",
  ],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({
      accessToken: `sk-ant-oat01-${body(30)}`,
      refreshToken: `sk-ant-ort01-${body(30)}`,
      expiresAt: "2026-01-01",
    }),
    "expiresAt",
  ],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({
      accessToken: `sk-ant-oat01-${body(30)}`,
      refreshToken: `sk-ant-ort01-${body(30)}`,
      scopes: "user:inference",
    }),
    "scopes",
  ],
  [
    "ANTHROPIC",
    "SUBSCRIPTION",
    claudeCredentialsJson({
      accessToken: `sk-ant-oat01-${body(17_000)}`,
      refreshToken: `sk-ant-ort01-${body(30)}`,
    }),
    "16 KiB",
  ],
  ["OPENAI", "API_KEY", goodAuthJson, "kind SUBSCRIPTION"],
  ["OPENAI", "API_KEY", `pk-${body(48)}`, "starts with sk-"],
  ["OPENAI", "API_KEY", `sk-${body(600)}`, "at most 512"],
  ["OPENAI", "SUBSCRIPTION", `sk-proj-${body(60)}`, "kind API_KEY"],
  ["OPENAI", "SUBSCRIPTION", `{"tokens": ${body(30)}`, "tokens.access_token"],
  ["OPENAI", "SUBSCRIPTION", `[${JSON.stringify(body(30))}]`, "auth.json"],
  [
    "OPENAI",
    "SUBSCRIPTION",
    codexAuthJson({ access_token: "", refresh_token: body(30) }),
    "non-empty",
  ],
  ["OPENAI", "SUBSCRIPTION", codexAuthJson({ access_token: body(30) }), "tokens.refresh_token"],
  [
    "OPENAI",
    "SUBSCRIPTION",
    codexAuthJson({ access_token: 42, refresh_token: body(30) }),
    "string",
  ],
  [
    "OPENAI",
    "SUBSCRIPTION",
    codexAuthJson({ access_token: body(17_000), refresh_token: body(30) }),
    "16 KiB",
  ],
  ["GEMINI", "API_KEY", body(19), "at least 20"],
  ["GEMINI", "API_KEY", `${body(20)} ${body(5)}`, "without spaces"],
  ["GEMINI", "SUBSCRIPTION", `AIza${body(35)}`, "Gemini takes an API key only"],
  ["GITHUB_COPILOT", "SUBSCRIPTION", `ghp_${body(36)}`, "gho_, ghu_, github_pat_"],
  ["GITHUB_COPILOT", "SUBSCRIPTION", body(40), "gho_, ghu_, github_pat_"],
  [
    "GITHUB_COPILOT",
    "API_KEY",
    `gho_${body(36)}`,
    "GitHub Copilot takes a GitHub token (kind SUBSCRIPTION)",
  ],
];

// What a message may share with a secret: the documented public prefixes and auth.json field
// names. Any other 4-character piece of a secret in a message is a leak.
const PUBLIC = [
  "sk-ant-oat01-",
  "gho_",
  "ghu_",
  "ghp_",
  "github_pat_",
  "auth.json",
  "tokens.access_token",
  "tokens.refresh_token",
  ".credentials.json",
  "claudeAiOauth.accessToken",
  "claudeAiOauth.refreshToken",
  "claudeAiOauth.expiresAt",
  "claudeAiOauth.scopes",
  "subscriptionType",
];
const leakedPieces = (message: string, secret: string): string[] => {
  const pieces: string[] = [];
  for (let i = 0; i + 4 <= secret.length; i += 1) {
    const piece = secret.slice(i, i + 4);
    if (message.includes(piece) && !PUBLIC.some((p) => p.includes(piece))) pieces.push(piece);
  }
  return pieces;
};

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected validateSecret to refuse");
}

describe("validateSecret", () => {
  it.each(accepted.map((c) => [c[0], c[1], c[2].slice(0, 14), c[2]] as const))(
    "accepts a %s %s (%s…) and returns it trimmed",
    (provider, kind, _shown, secret) => {
      expect(validateSecret(provider, kind, secret)).toBe(secret.trim());
    },
  );

  it.each(refused.map((c) => [c[0], c[1], c[3], c[2]] as const))(
    "refuses a %s %s: %s",
    (provider, kind, expected, secret) => {
      const error = refusal(() => validateSecret(provider, kind, secret));
      expect(error.code).toBe("BAD_USER_INPUT");
      expect(error.details).toEqual({ field: "secret" });
      expect(error.message).toContain(expected);
      expect(error.message).toContain(PROVIDER_LABELS[provider]);
      expect(leakedPieces(error.message, secret)).toEqual([]);
    },
  );

  it("finds a leak when a message does quote the secret (the leak check itself works)", () => {
    const secret = `sk-ant-api03-${body(30)}`;
    expect(leakedPieces(`bad key ${secret.slice(20, 24)}`, secret)).not.toEqual([]);
  });
});

describe("inferCredentialKind", () => {
  it.each([
    ["ANTHROPIC", `sk-ant-oat01-${body(40)}`, "SUBSCRIPTION"],
    ["ANTHROPIC", ` sk-ant-oat01-${body(40)}`, "SUBSCRIPTION"],
    ["ANTHROPIC", `sk-ant-api03-${body(40)}`, "API_KEY"],
    ["ANTHROPIC", body(40), "API_KEY"],
    ["ANTHROPIC", goodClaudeJson, "SUBSCRIPTION"],
    ["ANTHROPIC", `\n${goodClaudeJson}`, "SUBSCRIPTION"],
    ["OPENAI", goodAuthJson, "SUBSCRIPTION"],
    ["OPENAI", `\n${goodAuthJson}`, "SUBSCRIPTION"],
    ["OPENAI", `sk-${body(40)}`, "API_KEY"],
    ["GEMINI", `AIza${body(35)}`, "API_KEY"],
    ["GITHUB_COPILOT", `gho_${body(36)}`, "SUBSCRIPTION"],
    ["GITHUB_COPILOT", body(36), "SUBSCRIPTION"],
  ] as const)("takes a %s secret %#### as %s", (provider, secret, kind) => {
    expect(inferCredentialKind(provider, secret)).toBe(kind);
  });
});

describe("secretHint", () => {
  it("shows at most the last 4 characters and never more than a quarter of the secret", () => {
    expect(secretHint("")).toBe("");
    expect(secretHint("abc")).toBe("");
    expect(secretHint("abcd")).toBe("d");
    expect(secretHint("abcdefg")).toBe("g");
    expect(secretHint("abcdefgh")).toBe("gh");
    expect(secretHint("abcdefghijkl")).toBe("jkl");
    expect(secretHint("abcdefghijklmnop")).toBe("mnop");
    expect(secretHint(`sk-ant-api03-${body(40)}WXYZ`)).toBe("WXYZ");
    for (let length = 0; length <= 40; length += 1) {
      const secret = "x".repeat(length);
      expect(secretHint(secret).length).toBe(Math.min(4, Math.floor(length / 4)));
    }
  });

  it("hints a Codex auth.json by the end of its access token", () => {
    expect(secretHint(goodAuthJson)).toBe("WXYZ");
    expect(hintFor("OPENAI", "SUBSCRIPTION", goodAuthJson)).toBe("WXYZ");
  });

  it("hints a Claude .credentials.json by the end of its access token", () => {
    expect(secretHint(goodClaudeJson)).toBe("LMNP");
    expect(hintFor("ANTHROPIC", "SUBSCRIPTION", goodClaudeJson)).toBe("LMNP");
    expect(hintFor("ANTHROPIC", "SUBSCRIPTION", ` ${goodClaudeJson}\n`)).toBe("LMNP");
  });

  it("gives the same hint through hintFor for tokens", () => {
    expect(hintFor("ANTHROPIC", "SUBSCRIPTION", `sk-ant-oat01-${body(40)}ABCD\n`)).toBe("ABCD");
    expect(hintFor("GITHUB_COPILOT", "SUBSCRIPTION", "gho_1234")).toBe("34");
  });
});

describe("a token cut short after its prefix", () => {
  it("is refused for every provider with a prefix, saying to paste the whole token", () => {
    const cases = [
      ["ANTHROPIC", "SUBSCRIPTION", "sk-ant-oat01-"],
      ["ANTHROPIC", "SUBSCRIPTION", "sk-ant-oat01-abc"],
      ["ANTHROPIC", "API_KEY", "sk-ant-api03"],
      ["OPENAI", "API_KEY", "sk-"],
      ["GITHUB_COPILOT", "SUBSCRIPTION", "github_pat_"],
    ] as const;
    for (const [provider, kind, secret] of cases) {
      expect(() => validateSecret(provider, kind, secret)).toThrow(/paste the whole token/);
    }
    expect(validateSecret("ANTHROPIC", "SUBSCRIPTION", "sk-ant-oat01-abcdefgh")).toBe(
      "sk-ant-oat01-abcdefgh",
    );
  });
});
