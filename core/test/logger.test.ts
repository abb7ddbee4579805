import { describe, expect, it } from "vitest";
import { createLogger, REDACTED } from "../src/logging/logger.js";

function capture(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const logger = createLogger({
    name: "test",
    level: "debug",
    destination: { write: (line: string) => lines.push(line) },
  });
  return { lines, logger };
}

const S = (n: number): string => `SECRET-VALUE-${n}-must-not-appear`;

describe("createLogger", () => {
  it("redacts secrets at the top level and one and two levels deep", () => {
    const { lines, logger } = capture();
    logger.info(
      {
        secret: S(1),
        password: S(2),
        token: S(3),
        authorization: S(4),
        apiKey: S(5),
        ciphertext: S(6),
        nonce: S(7),
        credential: { secret: S(8), provider: "ANTHROPIC" },
        input: { providerKey: { secret: S(9) } },
        req: { headers: { authorization: `Bearer ${S(10)}`, "content-type": "application/json" } },
        connectionParams: { authorization: `Bearer ${S(11)}` },
        body: { account: { refresh_token: S(12), access_token: S(13) } },
      },
      "something happened",
    );
    const output = lines.join("");
    for (let n = 1; n <= 13; n += 1) expect(output).not.toContain(S(n));
    const entry = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(entry["secret"]).toBe(REDACTED);
    expect(entry["credential"]).toEqual({ secret: REDACTED, provider: "ANTHROPIC" });
    expect(entry["req"]).toEqual({
      headers: { authorization: REDACTED, "content-type": "application/json" },
    });
    expect(entry["msg"]).toBe("something happened");
  });

  it("redacts GraphQL variables that carry secrets, however deep the contract puts them", () => {
    const { lines, logger } = capture();
    logger.info({
      operationName: "createSession",
      variables: { input: { name: "demo", providerKey: { provider: "OPENAI", secret: S(20) } } },
    });
    logger.info({ variables: { secret: S(21), password: S(22), sessionId: "abc" } });
    logger.warn({ graphql: { variables: { input: { secret: S(23) } } } });
    const output = lines.join("");
    for (const n of [20, 21, 22, 23]) expect(output).not.toContain(S(n));
    expect(output).toContain('"name":"demo"');
    expect(output).toContain('"sessionId":"abc"');
  });

  it("redacts provider key headers and the environment's secrets if a config is logged whole", () => {
    const { lines, logger } = capture();
    logger.info({
      request: { headers: { "x-api-key": S(30), "x-goog-api-key": S(31), accept: "*/*" } },
    });
    logger.info({
      config: { env: { ENCRYPTION_KEY: S(32), ANTHROPIC_API_KEY: S(33), PORT: 4000 } },
    });
    logger.info({ ENCRYPTION_KEYS_PREVIOUS: S(34), COPILOT_GITHUB_TOKEN: S(35) });
    const output = lines.join("");
    for (const n of [30, 31, 32, 33, 34, 35]) expect(output).not.toContain(S(n));
    expect(output).toContain('"accept":"*/*"');
    expect(output).toContain('"PORT":4000');
  });

  it("keeps non-secret fields as they are", () => {
    const { lines, logger } = capture();
    logger.debug(
      { credentialId: "c-1", provider: "GEMINI", hint: "wxyz", keyVersion: 7 },
      "resolved",
    );
    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      name: "test",
      credentialId: "c-1",
      provider: "GEMINI",
      hint: "wxyz",
      keyVersion: 7,
      msg: "resolved",
    });
  });
});
