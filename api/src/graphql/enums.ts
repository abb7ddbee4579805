import {
  AgentKind,
  byAgentKind,
  byProvider,
  CredentialKind,
  KeySource,
  Provider,
  type VerificationResult as CoreVerificationResult,
} from "@agentry/core";
import { registerEnumType } from "type-graphql";

// Every GraphQL enum, registered once with its description. The domain enums come from core
// (same strings as Prisma's); the api-only ones are declared here.

export const Role = { USER: "USER", ADMIN: "ADMIN" } as const;
export type Role = (typeof Role)[keyof typeof Role];

export const AgentStatus = {
  STARTING: "STARTING",
  IDLE: "IDLE",
  BUSY: "BUSY",
  STOPPED: "STOPPED",
  FAILED: "FAILED",
} as const;
export type AgentStatus = (typeof AgentStatus)[keyof typeof AgentStatus];

export const MessageStatus = {
  QUEUED: "QUEUED",
  RUNNING: "RUNNING",
  DONE: "DONE",
  FAILED: "FAILED",
  CANCELLED: "CANCELLED",
} as const;
export type MessageStatus = (typeof MessageStatus)[keyof typeof MessageStatus];

/** What the viewer may do in a session. */
export const SessionRole = { OWNER: "OWNER", EDITOR: "EDITOR", VIEWER: "VIEWER" } as const;
export type SessionRole = (typeof SessionRole)[keyof typeof SessionRole];

/** The roles the owner can give another user. */
export const MemberRole = { EDITOR: "EDITOR", VIEWER: "VIEWER" } as const;
export type MemberRole = (typeof MemberRole)[keyof typeof MemberRole];

export const UsageBucketSize = { HOUR: "HOUR", DAY: "DAY" } as const;
export type UsageBucketSize = (typeof UsageBucketSize)[keyof typeof UsageBucketSize];

export const AgentEventType = {
  TEXT: "TEXT",
  TOOL: "TOOL",
  USAGE: "USAGE",
  STATUS: "STATUS",
  ERROR: "ERROR",
  DONE: "DONE",
  CANCELLED: "CANCELLED",
} as const;
export type AgentEventType = (typeof AgentEventType)[keyof typeof AgentEventType];

registerEnumType(Provider, {
  name: "Provider",
  description: "An AI provider whose credentials the platform manages.",
  // Each value described by its registration (core/src/registry).
  valuesConfig: byProvider((descriptor) => ({ description: descriptor.description })),
});

registerEnumType(CredentialKind, {
  name: "CredentialKind",
  description: "How a credential pays: per token (API key) or through a subscription.",
  valuesConfig: {
    API_KEY: { description: "A pay-per-token provider API key." },
    SUBSCRIPTION: { description: "A subscription credential (an OAuth token or a CLI's login)." },
  },
});

registerEnumType(KeySource, {
  name: "KeySource",
  description: "Where the credential of a run comes from.",
  valuesConfig: {
    SESSION: { description: "The session's own key for the provider." },
    ACCOUNT: { description: "The acting user's own account credential." },
    SYSTEM: { description: "The operator's system-wide key from the environment." },
  },
});

registerEnumType(AgentKind, {
  name: "AgentKind",
  description: "Which agent runs in a session's container.",
  valuesConfig: byAgentKind((descriptor) => ({ description: descriptor.description })),
});

registerEnumType(AgentStatus, {
  name: "AgentStatus",
  description: "An agent's lifecycle state.",
  valuesConfig: {
    STARTING: { description: "Its container is being created or started." },
    IDLE: { description: "Ready for the next message." },
    BUSY: { description: "Running a message." },
    STOPPED: { description: "Stopped; a new message starts it again." },
    FAILED: { description: "Could not start or crashed; see the agent's last error." },
  },
});

registerEnumType(MessageStatus, {
  name: "MessageStatus",
  description: "Where a message is on its way through the agent.",
  valuesConfig: {
    QUEUED: { description: "Waiting for the agent (messages to one agent run in order)." },
    RUNNING: { description: "The agent is working on it." },
    DONE: { description: "Finished; the reply is the assistant message after it." },
    FAILED: { description: "Failed; errorCode says why." },
    CANCELLED: {
      description:
        "Stopped by cancelMessage: a queued message never ran; a running one was stopped, the provider calls it made so far are counted and what it had written is the assistant message after it.",
    },
  },
});

registerEnumType(Role, {
  name: "Role",
  description: "A user's role on this installation.",
  valuesConfig: {
    USER: { description: "A regular user." },
    ADMIN: {
      description:
        "An administrator: lists users, sees credential metadata, deletes credentials and reads the audit trail; never reads a secret or another user's session.",
    },
  },
});

registerEnumType(SessionRole, {
  name: "SessionRole",
  description: "What a user may do in a session.",
  valuesConfig: {
    OWNER: { description: "Created it: manages keys, name, members, and deletes it." },
    EDITOR: { description: "Uses it: reads it and runs its agents." },
    VIEWER: { description: "Reads it." },
  },
});

registerEnumType(MemberRole, {
  name: "MemberRole",
  description: "The role an owner gives a member of a session.",
  valuesConfig: {
    EDITOR: { description: "May read the session and run its agents." },
    VIEWER: { description: "May read the session." },
  },
});

registerEnumType(UsageBucketSize, {
  name: "UsageBucketSize",
  description: "The width of one bucket of a usage series (buckets start on UTC boundaries).",
  valuesConfig: {
    HOUR: { description: "One hour." },
    DAY: { description: "One UTC day." },
  },
});

registerEnumType(AgentEventType, {
  name: "AgentEventType",
  description: "What an agent event reports; it says which of the event's fields are set.",
  valuesConfig: {
    TEXT: { description: "A piece of the reply: `text` holds the delta." },
    TOOL: { description: "Tool activity: `toolName` and maybe `toolDetail`." },
    USAGE: { description: "One provider call's usage: `usage`." },
    STATUS: { description: "The agent's status changed: `status`." },
    ERROR: { description: "The run failed: `errorCode` and `message`." },
    DONE: { description: "The run finished." },
    CANCELLED: {
      description:
        "The run was stopped (cancelMessage): the message is CANCELLED, its calls so far counted; like DONE and ERROR it ends the run, after the agent's STATUS IDLE.",
    },
  },
});

/** How a stored credential stands (core's credentialStatus decides). */
export const CredentialStatus = {
  VALID: "VALID",
  EXPIRING: "EXPIRING",
  EXPIRED: "EXPIRED",
  REFUSED: "REFUSED",
} as const;
export type CredentialStatus = (typeof CredentialStatus)[keyof typeof CredentialStatus];

registerEnumType(CredentialStatus, {
  name: "CredentialStatus",
  description: "How a stored credential stands, from its metadata (no call to the provider).",
  valuesConfig: {
    VALID: {
      description:
        "Usable as far as is known: not expired, or refreshed by the platform or its CLI before a run.",
    },
    EXPIRING: {
      description:
        "Expires within CREDENTIAL_EXPIRING_DAYS and cannot be refreshed: replace it soon.",
    },
    EXPIRED: {
      description: "Expired and cannot be refreshed: runs with it fail until it is replaced.",
    },
    REFUSED: { description: "The provider refused it (refusedAt): replace it." },
  },
});

/** What a provider said to a credential (verifyCredential; core's VERIFICATION_RESULTS). */
export const VerificationResult = {
  VALID: "VALID",
  REFUSED: "REFUSED",
  UNREACHABLE: "UNREACHABLE",
} as const satisfies Record<CoreVerificationResult, CoreVerificationResult>;
export type VerificationResult = (typeof VerificationResult)[keyof typeof VerificationResult];

registerEnumType(VerificationResult, {
  name: "VerificationResult",
  description: "How the provider answered a cheap authenticated call made with a credential.",
  valuesConfig: {
    VALID: { description: "The provider accepted it (HTTP 2xx)." },
    REFUSED: {
      description: "The provider refused it (HTTP 401 or 403): replace it (CredentialInfo.fix).",
    },
    UNREACHABLE: {
      description:
        "No verdict: the provider could not be reached, did not answer within VERIFY_TIMEOUT_MS, or answered something else (a rate limit, an outage; `status` says which).",
    },
  },
});
