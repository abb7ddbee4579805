// `@agentry/core/secrets`: what opens secrets, for the worker only (its message runs and the
// re-encryption command). The api and the client must never import it: eslint.config.js fails
// the lint when they do, and core's main entry point (index.ts) holds nothing that decrypts.

export { createVault, DecryptionError, openWithRing, type Vault } from "./crypto/vault.js";
export { resolveForRun, type RunResolveDeps } from "./credentials/resolve-for-run.js";
export {
  reencryptCredentials,
  type ReencryptOptions,
  type ReencryptResult,
} from "./credentials/reencrypt.js";
