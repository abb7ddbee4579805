// `@agentry/core`: what every process may use, none of which can open a secret (sealing yes).
// Opening secrets is `@agentry/core/secrets` (the worker's); the agent program's wire protocol
// alone is `@agentry/core/protocol`.

export * from "./errors/app-error.js";
export * from "./domain/enums.js";
export * from "./registry/index.js";
export * from "./crypto/key-ring.js";
export * from "./crypto/seal.js";
export * from "./crypto/key-check.js";
export * from "./credentials/formats.js";
export * from "./credentials/provider-guess.js";
export * from "./credentials/compatibility.js";
export * from "./credentials/choose.js";
export * from "./credentials/resolve.js";
export * from "./credentials/token-expiry.js";
export * from "./repository/repository-url.js";
export * from "./config/parse-env.js";
export * from "./config/common-env.js";
export * from "./config/encryption-key.js";
export * from "./logging/logger.js";
export * from "./logging/outage-log.js";
export * from "./agent/protocol.js";
export * from "./pricing/cost.js";
export * from "./topics.js";
export * from "./queue/message-queue.js";
export * from "./events/agent-event-log.js";
export * from "./queue/agent-control-queue.js";
export * from "./queue/connection.js";
export * from "./queue/credential-check-queue.js";
export * from "./queue/credential-checks/verify-credential.js";
export * from "./queue/credential-checks/repository.js";
export * from "./queue/credential-checks/sign-in.js";
export * from "./queue/sign-in-poll-queue.js";
export * from "./sign-in/oauth-clients.js";
export * from "./sign-in/sign-in-flow.js";
export * from "./sign-in/sign-in-store.js";
export * from "./credentials/credential-write.js";
