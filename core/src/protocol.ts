// `@agentry/core/protocol`: what the agent program needs from core: the wire protocol between
// the worker and an agent process (and its resident host's channel) and the credential files it
// is handed, without the rest of core (logger, pricing, queues), so the agent bundle carries none
// of it.

export * from "./agent/protocol.js";
export * from "./agent/channel.js";
export type { AgentKind } from "./domain/enums.js";
export { parseClaudeCredentialsJson, type ClaudeCredentialsJson } from "./credentials/formats.js";
