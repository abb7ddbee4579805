import type { AgentStatus, KeySource } from "../gql/graphql.js";

// How the client words the api's states. Typed as records over the generated unions, so a value
// added to the schema does not compile until it has a label. Providers, agent kinds and their
// credentials are named by the api's registry (src/registry), not here.

export const AGENT_STATUS_LABELS = {
  STARTING: "Starting container",
  BUSY: "Working",
  IDLE: "Idle",
  STOPPED: "Stopped",
  FAILED: "Failed",
} as const satisfies Record<AgentStatus, string>;

/** "Failed: the container exited (137)" when a reason is known, else the status alone. */
export function agentStatusText(status: AgentStatus, reason?: string | null): string {
  const label = AGENT_STATUS_LABELS[status];
  // FAILED says why; STARTING says what it is doing (cloning the repository, with its progress).
  return (status === "FAILED" || status === "STARTING") && reason ? `${label}: ${reason}` : label;
}

export const KEY_SOURCE_LABELS = {
  SESSION: "Using this session's key",
  ACCOUNT: "Using your account key",
  SYSTEM: "Using the system key",
} as const satisfies Record<KeySource, string>;

export const NO_KEY_LABEL = "No key — add one";

/** Which key the next message will use, as the settings tab says it; null means none. */
export function keySourceLabel(source: KeySource | null | undefined): string {
  return source ? KEY_SOURCE_LABELS[source] : NO_KEY_LABEL;
}

/** How a finished message names the key it ran with. */
export const RAN_WITH_LABELS = {
  SESSION: "session key",
  ACCOUNT: "account key",
  SYSTEM: "system key",
} as const satisfies Record<KeySource, string>;

/** Whose credential a message would use, before its name ("your Claude subscription token"). */
export const CREDENTIAL_OWNER_LABELS = {
  SESSION: "this session's",
  ACCOUNT: "your",
  SYSTEM: "the system-wide",
} as const satisfies Record<KeySource, string>;
