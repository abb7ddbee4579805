import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NO_DECRYPTION =
  "The api and the client never decrypt: opening secrets is @agentry/core/secrets, the worker's. Seal with the SealingVault the composition root hands in.";
/** What opens a secret (exported by @agentry/core/secrets only). */
const DECRYPTING_NAMES = [
  "createVault",
  "Vault",
  "openWithRing",
  "DecryptionError",
  "resolveForRun",
  "RunResolveDeps",
  "reencryptCredentials",
];
/** node:crypto's deciphering functions. */
const DECIPHERING = ["createDecipheriv", "privateDecrypt", "publicDecrypt"];
/** A path into core's sources: around its entry points (package.json "exports"). */
const CORE_SOURCES = "(^|/)core/src(/|$)";

export default tseslint.config(
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "prisma/generated/**",
      "client/src/gql/**",
      "**/*.mjs",
      "**/*.js",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-extraneous-class": "off",
      "no-console": "error",
    },
  },
  // "The api never decrypts", enforced: what opens a stored secret is `@agentry/core/secrets`,
  // the worker's. The api (its code; its tests may open what it stored, to check it) and the
  // client may not import it or a decrypting name, reach into core's sources around the entry
  // points, or decipher with node:crypto themselves.
  {
    files: ["api/src/**", "client/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@agentry/core/secrets", message: NO_DECRYPTION },
            { name: "@agentry/core", importNames: DECRYPTING_NAMES, message: NO_DECRYPTION },
            { name: "node:crypto", importNames: DECIPHERING, message: NO_DECRYPTION },
            { name: "crypto", importNames: DECIPHERING, message: NO_DECRYPTION },
          ],
          patterns: [
            { regex: CORE_SOURCES, message: "Import core through @agentry/core, not its sources." },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: `ImportExpression[source.value=/core\\/(secrets|src)\\b/]`,
          message: NO_DECRYPTION,
        },
      ],
    },
  },
  // The agent program takes core's wire protocol only: the main entry point would bring pino,
  // the pricing catalogue and the rest of core into the agent bundle (agent/build.mjs).
  {
    files: ["agent/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@agentry/core",
              message:
                "The agent imports @agentry/core/protocol (add what it needs to core/src/protocol.ts): the main entry point would bundle the rest of core.",
            },
            { name: "@agentry/core/secrets", message: NO_DECRYPTION },
          ],
        },
      ],
    },
  },
  {
    files: ["**/test/**", "**/*.test.ts", "bench/**", "**/scripts/**"],
    rules: { "no-console": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
