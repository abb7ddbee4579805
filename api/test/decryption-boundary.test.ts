import { ESLint } from "eslint";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

// "The api never decrypts" is a lint rule (eslint.config.js), not a habit: this runs the
// repository's own config on snippets placed in the api and the client, and checks it refuses
// every way to reach decryption and lets sealing through.

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BOUNDARY_RULES = new Set(["no-restricted-imports", "no-restricted-syntax"]);

let eslint: ESLint;
beforeAll(async () => {
  eslint = new ESLint({
    cwd: REPO_ROOT,
    // Only the boundary rules run, without type information: the snippets are in no tsconfig.
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => BOUNDARY_RULES.has(ruleId),
  });
  // Loading the config (and typescript-eslint) takes seconds: once, here, not in a test.
  await eslint.calculateConfigForFile(`${REPO_ROOT}api/src/main.ts`);
});

/** The boundary rules' messages for `code` as if it were the file at `path` (from the repo root). */
async function lint(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}${path}` });
  if (result === undefined) throw new Error("no lint result");
  return result.messages.map((message) => `${message.ruleId ?? "parser"}: ${message.message}`);
}

describe("the api and the client cannot import decryption", () => {
  it.each([
    ["the secrets entry point", `import { createVault } from "@agentry/core/secrets";`],
    ["a type from it", `import type { Vault } from "@agentry/core/secrets";`],
    ["a re-export of it", `export { resolveForRun } from "@agentry/core/secrets";`],
    ["a dynamic import of it", `export const m = await import("@agentry/core/secrets");`],
    ["a decrypting name from core's main entry", `import { openWithRing } from "@agentry/core";`],
    [
      "core's sources around the entry points",
      `import { createVault } from "../../../core/src/crypto/vault.js";`,
    ],
    ["node:crypto's deciphering", `import { createDecipheriv } from "node:crypto";`],
  ])("refuses %s in api/src", async (_what, code) => {
    const messages = await lint("api/src/credentials/probe.ts", code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^no-restricted-(imports|syntax): /);
  });

  it("says why, and where sealing comes from", async () => {
    const [message] = await lint(
      "api/src/main.ts",
      `import { createVault } from "@agentry/core/secrets";`,
    );
    expect(message).toContain("never decrypt");
    expect(message).toContain("SealingVault");
  });

  it.each(["client/src/lib/probe.ts", "client/server/probe.ts"])(
    "refuses the secrets entry point in %s",
    async (path) => {
      expect(await lint(path, `import { createVault } from "@agentry/core/secrets";`)).toHaveLength(
        1,
      );
    },
  );

  it("lets the api seal, prove its key and use node:crypto's other functions", async () => {
    const code = [
      `import { createSealingVault, verifyKeyRing, type SealingVault } from "@agentry/core";`,
      `import { randomBytes, scrypt } from "node:crypto";`,
    ].join("\n");
    expect(await lint("api/src/main.ts", code)).toEqual([]);
  });

  it("lets the worker and the api's tests open secrets", async () => {
    const code = `import { createVault, resolveForRun } from "@agentry/core/secrets";`;
    expect(await lint("worker/src/worker.ts", code)).toEqual([]);
    expect(await lint("api/test/secrecy.test.ts", code)).toEqual([]);
  });
});
