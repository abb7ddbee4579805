export * from "./errors/app-error.js";
export * from "./domain/enums.js";
export * from "./crypto/key-ring.js";
export * from "./crypto/vault.js";
export * from "./credentials/formats.js";
export * from "./credentials/resolve.js";
export * from "./agent/protocol.js";
export * from "./pricing/cost.js";
