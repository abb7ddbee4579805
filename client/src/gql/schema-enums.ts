/** What an agent event reports; it says which of the event's fields are set. */
export type AgentEventType =
  /** The run was stopped (cancelMessage): the message is CANCELLED, its calls so far counted; like DONE and ERROR it ends the run, after the agent's STATUS IDLE. */
  | "CANCELLED"
  /** The run finished. */
  | "DONE"
  /** The run failed: `errorCode` and `message`. */
  | "ERROR"
  /** The agent's status changed: `status`. */
  | "STATUS"
  /** A piece of the reply: `text` holds the delta. */
  | "TEXT"
  /** Tool activity: `toolName` and maybe `toolDetail`. */
  | "TOOL"
  /** One provider call's usage: `usage`. */
  | "USAGE";

/** Which agent runs in a session's container. */
export type AgentKind =
  /** The built-in chat agent, calling the provider's API (API keys only). */
  | "CHAT"
  /** Anthropic's Claude Code CLI: a Claude subscription token or an Anthropic API key. */
  | "CLAUDE_CODE"
  /** OpenAI's Codex CLI: a ChatGPT sign-in (auth.json) or an OpenAI API key. */
  | "CODEX"
  /** GitHub Copilot's CLI: a fine-grained GitHub token with the Copilot permission (classic ghp_ tokens are not accepted). */
  | "COPILOT"
  /** Google's Gemini CLI: a Gemini API key only. */
  | "GEMINI_CLI"
  /** The OpenCode CLI: an Anthropic, OpenAI or Gemini API key, or a ChatGPT sign-in (auth.json); not a Claude subscription. */
  | "OPENCODE";

/** An agent's lifecycle state. */
export type AgentStatus =
  /** Running a message. */
  | "BUSY"
  /** Could not start or crashed; see the agent's last error. */
  | "FAILED"
  /** Ready for the next message. */
  | "IDLE"
  /** Its container is being created or started. */
  | "STARTING"
  /** Stopped; a new message starts it again. */
  | "STOPPED";

/** How a credential pays: per token (API key) or through a subscription. */
export type CredentialKind =
  /** A pay-per-token provider API key. */
  | "API_KEY"
  /** A subscription credential (an OAuth token or a CLI's login). */
  | "SUBSCRIPTION";

/** How a stored credential stands, from its metadata (no call to the provider). */
export type CredentialStatus =
  /** Expired and cannot be refreshed: runs with it fail until it is replaced. */
  | "EXPIRED"
  /** Expires within CREDENTIAL_EXPIRING_DAYS and cannot be refreshed: replace it soon. */
  | "EXPIRING"
  /** The provider refused it (refusedAt): replace it. */
  | "REFUSED"
  /** Usable as far as is known: not expired, or refreshed by the platform or its CLI before a run. */
  | "VALID";

/** Every code an error's `extensions.code` can carry, and the values of Message.errorCode and AgentEvent.errorCode. Clients switch on these, never on message text; a client that meets a code it does not know should treat it as INTERNAL. */
export type ErrorCode =
  /** The agent failed (its container died, its CLI exited without a result, or the time limit passed); the message says why. */
  | "AGENT_FAILED"
  /** The provider refused a subscription credential, or it expired; get a fresh one (e.g. `claude setup-token`, `codex login --device-auth`) and replace it. */
  | "AUTHENTICATION_FAILED"
  /** Something sent was wrong; the message says what, and `details.field` names the argument. */
  | "BAD_USER_INPUT"
  /** The session's cost cap is reached; raise or clear the budget to continue. */
  | "BUDGET_EXCEEDED"
  /** Signed in, but not allowed to do this (e.g. an editor managing keys, a non-admin). */
  | "FORBIDDEN"
  /** An unexpected server error; no detail is given (the server log has it). */
  | "INTERNAL"
  /** The provider refused the key; the message names the key source (session, account or system) and its hint. */
  | "INVALID_API_KEY"
  /** It does not exist, or it is not yours to see (the two are not told apart). */
  | "NOT_FOUND"
  /** No API key configured for this session: no session key, account credential or allowed system key fits the agent; `details.hint` says what to add. */
  | "NO_API_KEY"
  /** The provider is rate-limiting requests; retried with backoff, then given up. */
  | "RATE_LIMITED"
  /** The session's repository could not be cloned, read or pushed to: unreachable, not found, or the repository token (GIT credential) was missing or refused; the message says which. A failed clone is tried again with the next message. */
  | "REPOSITORY_UNAVAILABLE"
  /** No valid token: sign in (or send a valid API token) and try again. */
  | "UNAUTHENTICATED"
  /** A part the system depends on (Redis, the queue) is down for now; nothing was done, so retrying shortly is safe. */
  | "UNAVAILABLE";

/** How a file in an agent's workspace differs from the commit it cloned. */
export type FileChangeStatus =
  /** New (untracked files included; ignored ones not). */
  | "ADDED"
  /** Removed. */
  | "DELETED"
  /** Changed. */
  | "MODIFIED";

/** Where the credential of a run comes from. */
export type KeySource =
  /** The acting user's own account credential. */
  | "ACCOUNT"
  /** The session's own key for the provider. */
  | "SESSION"
  /** The operator's system-wide key from the environment. */
  | "SYSTEM";

/** The role an owner gives a member of a session. */
export type MemberRole =
  /** May read the session and run its agents. */
  | "EDITOR"
  /** May read the session. */
  | "VIEWER";

/** Where a message is on its way through the agent. */
export type MessageStatus =
  /** Stopped by cancelMessage: a queued message never ran; a running one was stopped, the provider calls it made so far are counted and what it had written is the assistant message after it. */
  | "CANCELLED"
  /** Finished; the reply is the assistant message after it. */
  | "DONE"
  /** Failed; errorCode says why. */
  | "FAILED"
  /** Waiting for the agent (messages to one agent run in order). */
  | "QUEUED"
  /** The agent is working on it. */
  | "RUNNING";

/** Which way an ordering runs. */
export type OrderDirection =
  /** Smallest, earliest or A first. */
  | "ASC"
  /** Largest, latest or Z first. */
  | "DESC";

/** An AI provider whose credentials the platform manages. */
export type Provider =
  /** Anthropic (Claude): API keys and Claude subscription tokens. */
  | "ANTHROPIC"
  /** Google Gemini: API keys. */
  | "GEMINI"
  /** A repository token: clones the session's repository into each agent's workspace and pushes its branches (https, basic auth). */
  | "GIT"
  /** GitHub Copilot: a GitHub token with the Copilot permission. */
  | "GITHUB_COPILOT"
  /** OpenAI: API keys and Codex (ChatGPT sign-in) auth.json. */
  | "OPENAI";

/** A user's role on this installation. */
export type Role =
  /** An administrator: lists users, sees credential metadata, deletes credentials and reads the audit trail; never reads a secret or another user's session. */
  | "ADMIN"
  /** A regular user. */
  | "USER";

/** How one run of an agent ended. */
export type RunOutcome =
  /** Stopped by cancelMessage. */
  | "CANCELLED"
  /** The agent finished; its reply is the message's answer. */
  | "DONE"
  /** The message failed; errorCode and errorMessage say why. */
  | "FAILED"
  /** Rate limited (or the sign-in service did not answer): it runs again later. */
  | "RETRIED";

/** What the sessions list can be ordered by. Ties are broken by the session's id. */
export type SessionOrderField =
  /** Its provider calls; a session without usage counts as 0. */
  | "API_CALLS"
  /** Its estimated cost in USD; a session without usage counts as 0. */
  | "COST"
  /** When the session was created. */
  | "CREATED_AT"
  /** The session's name (in the database's collation). */
  | "NAME"
  /** Its input, output, cache-read and cache-write tokens together (totalTokens); a session without usage counts as 0. */
  | "TOKENS";

/** What a user may do in a session. */
export type SessionRole =
  /** Uses it: reads it and runs its agents. */
  | "EDITOR"
  /** Created it: manages keys, name, members, and deletes it. */
  | "OWNER"
  /** Reads it. */
  | "VIEWER";

/** Where a sign-in the platform runs for you stands. */
export type SignInStatus =
  /** Cancelled; nothing was stored. */
  | "CANCELLED"
  /** You (or the provider) refused the sign-in; nothing was stored. */
  | "DENIED"
  /** Not completed in time; nothing was stored. Start a new one. */
  | "EXPIRED"
  /** The provider refused it, or its answer was unusable; `message` says why. Nothing was stored. */
  | "FAILED"
  /** Waiting for you: enter the code, or paste the code back. */
  | "PENDING"
  /** Done: the tokens are stored as the credential it names. */
  | "SUCCEEDED";

/** The width of one bucket of a usage series (buckets start on UTC boundaries). */
export type UsageBucketSize =
  /** One UTC day. */
  | "DAY"
  /** One hour. */
  | "HOUR";

/** How the provider answered a cheap authenticated call made with a credential. */
export type VerificationResult =
  /** The provider refused it (HTTP 401 or 403): replace it (CredentialInfo.fix). */
  | "REFUSED"
  /** No verdict: the provider could not be reached, did not answer within VERIFY_TIMEOUT_MS, or answered something else (a rate limit, an outage; `status` says which). */
  | "UNREACHABLE"
  /** The provider accepted it (HTTP 2xx). */
  | "VALID";
