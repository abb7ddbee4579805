/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> =
  T | { [P in keyof T]?: P extends " $fragmentName" | "__typename" ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from "@graphql-typed-document-node/core";
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

/** What a new session starts with. */
export type CreateSessionInput = {
  /** Its name (1 to 200 characters). */
  name: string;
  /** A session key to store right away. */
  providerKey?: ProviderKeyInput | null | undefined;
  /** A branch or tag name (git check-ref-format rules) or a commit (7 to 64 hex digits) to check out; default: the repository's default branch. */
  repoRef?: string | null | undefined;
  /** The repository each agent's workspace is cloned from before its first message: an https:// URL without a user name or token (at most 2048 characters). Its token is the session's or your GIT credential. */
  repoUrl?: string | null | undefined;
};

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

/** A provider key given with a new session. */
export type ProviderKeyInput = {
  /** The provider the key is for. */
  provider: Provider;
  /** The key or token; its kind is inferred (at most 16 KiB). */
  secret: string;
};

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

/** How to order the sessions list. Cursors belong to the ordering they came from: pass the same orderBy with `after`. */
export type SessionOrder = {
  /** Which way: ASC or DESC. */
  direction: OrderDirection;
  /** What to order by. */
  field: SessionOrderField;
};

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

/** What a code sign-in is for. */
export type StartCodeSignInInput = {
  /** CLAUDE_CODE. */
  agentKind: AgentKind;
  /** ANTHROPIC (the only provider with a code sign-in). */
  provider: Provider;
  /** Store it as this session's key (you must own the session); omitted: your own. */
  sessionId?: string | number | null | undefined;
};

/** What a device-code sign-in is for. */
export type StartDeviceSignInInput = {
  /** CODEX or OPENCODE: both run with a ChatGPT sign-in. */
  agentKind: AgentKind;
  /** OPENAI (the only provider with a device-code sign-in). */
  provider: Provider;
  /** Store it as this session's key (you must own the session); omitted: your own. */
  sessionId?: string | number | null | undefined;
};

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

export type AccountCredentialsQueryVariables = Exact<{ [key: string]: never }>;

export type AccountCredentialsQuery = {
  accountCredentials: Array<{
    id: string;
    provider: Provider;
    kind: CredentialKind;
    hint: string;
    version: number;
    createdAt: string;
    updatedAt: string;
    lastUsedAt: string | null;
    expiresAt: string | null;
    refusedAt: string | null;
    status: CredentialStatus;
    refreshable: boolean;
    fix: string | null;
    secretSetAt: string;
    rotationDue: boolean;
  }>;
};

export type CredentialFieldsFragment = {
  id: string;
  provider: Provider;
  kind: CredentialKind;
  hint: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  refusedAt: string | null;
  status: CredentialStatus;
  refreshable: boolean;
  fix: string | null;
  secretSetAt: string;
  rotationDue: boolean;
};

export type MyMonthlyBudgetQueryVariables = Exact<{ [key: string]: never }>;

export type MyMonthlyBudgetQuery = {
  me: { id: string; monthlyBudgetUsd: number | null; spentThisMonthUsd: number };
};

export type RemoveAccountCredentialMutationVariables = Exact<{
  provider: Provider;
  kind: CredentialKind;
}>;

export type RemoveAccountCredentialMutation = { removeAccountCredential: boolean };

export type SetAccountCredentialMutationVariables = Exact<{
  provider: Provider;
  kind: CredentialKind;
  secret: string;
}>;

export type SetAccountCredentialMutation = {
  setAccountCredential: {
    id: string;
    provider: Provider;
    kind: CredentialKind;
    hint: string;
    version: number;
    createdAt: string;
    updatedAt: string;
    lastUsedAt: string | null;
    expiresAt: string | null;
    refusedAt: string | null;
    status: CredentialStatus;
    refreshable: boolean;
    fix: string | null;
    secretSetAt: string;
    rotationDue: boolean;
  };
};

export type DeviceSignInFieldsFragment = {
  id: string;
  status: SignInStatus;
  expiresAt: string;
  verificationUri: string;
  verificationUriComplete: string | null;
  userCode: string;
  intervalSeconds: number;
  message: string | null;
  credential: {
    id: string;
    provider: Provider;
    kind: CredentialKind;
    hint: string;
    version: number;
    createdAt: string;
    updatedAt: string;
    lastUsedAt: string | null;
    expiresAt: string | null;
    refusedAt: string | null;
    status: CredentialStatus;
    refreshable: boolean;
    fix: string | null;
    secretSetAt: string;
    rotationDue: boolean;
  } | null;
};

export type CodeSignInFieldsFragment = {
  id: string;
  status: SignInStatus;
  expiresAt: string;
  authorizeUrl: string;
  message: string | null;
};

export type StartDeviceSignInMutationVariables = Exact<{
  input: StartDeviceSignInInput;
}>;

export type StartDeviceSignInMutation = {
  startDeviceSignIn: {
    id: string;
    status: SignInStatus;
    expiresAt: string;
    verificationUri: string;
    verificationUriComplete: string | null;
    userCode: string;
    intervalSeconds: number;
    message: string | null;
    credential: {
      id: string;
      provider: Provider;
      kind: CredentialKind;
      hint: string;
      version: number;
      createdAt: string;
      updatedAt: string;
      lastUsedAt: string | null;
      expiresAt: string | null;
      refusedAt: string | null;
      status: CredentialStatus;
      refreshable: boolean;
      fix: string | null;
      secretSetAt: string;
      rotationDue: boolean;
    } | null;
  };
};

export type DeviceSignInQueryVariables = Exact<{
  id: string | number;
}>;

export type DeviceSignInQuery = {
  deviceSignIn: {
    id: string;
    status: SignInStatus;
    expiresAt: string;
    verificationUri: string;
    verificationUriComplete: string | null;
    userCode: string;
    intervalSeconds: number;
    message: string | null;
    credential: {
      id: string;
      provider: Provider;
      kind: CredentialKind;
      hint: string;
      version: number;
      createdAt: string;
      updatedAt: string;
      lastUsedAt: string | null;
      expiresAt: string | null;
      refusedAt: string | null;
      status: CredentialStatus;
      refreshable: boolean;
      fix: string | null;
      secretSetAt: string;
      rotationDue: boolean;
    } | null;
  } | null;
};

export type StartCodeSignInMutationVariables = Exact<{
  input: StartCodeSignInInput;
}>;

export type StartCodeSignInMutation = {
  startCodeSignIn: {
    id: string;
    status: SignInStatus;
    expiresAt: string;
    authorizeUrl: string;
    message: string | null;
  };
};

export type CompleteCodeSignInMutationVariables = Exact<{
  id: string | number;
  code: string;
}>;

export type CompleteCodeSignInMutation = {
  completeCodeSignIn: {
    id: string;
    provider: Provider;
    kind: CredentialKind;
    hint: string;
    version: number;
    createdAt: string;
    updatedAt: string;
    lastUsedAt: string | null;
    expiresAt: string | null;
    refusedAt: string | null;
    status: CredentialStatus;
    refreshable: boolean;
    fix: string | null;
    secretSetAt: string;
    rotationDue: boolean;
  };
};

export type CancelSignInMutationVariables = Exact<{
  id: string | number;
}>;

export type CancelSignInMutation = { cancelSignIn: boolean };

export type VerifyCredentialMutationVariables = Exact<{
  id: string | number;
}>;

export type VerifyCredentialMutation = {
  verifyCredential: {
    result: VerificationResult;
    status: number | null;
    message: string | null;
    checkedAt: string;
  };
};

export type AdminCredentialsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;

export type AdminCredentialsQuery = {
  adminCredentials: {
    totalCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    edges: Array<{
      node: {
        ownerId: string | null;
        ownerEmail: string | null;
        sessionId: string | null;
        sessionName: string | null;
        credential: {
          id: string;
          provider: Provider;
          kind: CredentialKind;
          hint: string;
          createdAt: string;
          lastUsedAt: string | null;
        };
      };
    }>;
  };
};

export type AdminDeleteCredentialMutationVariables = Exact<{
  id: string | number;
}>;

export type AdminDeleteCredentialMutation = { adminDeleteCredential: boolean };

export type DeleteUserMutationVariables = Exact<{
  id: string | number;
}>;

export type DeleteUserMutation = { deleteUser: boolean };

export type SetUserDisabledMutationVariables = Exact<{
  id: string | number;
  disabled: boolean;
}>;

export type SetUserDisabledMutation = {
  setUserDisabled: {
    id: string;
    email: string;
    role: Role;
    createdAt: string;
    disabledAt: string | null;
  };
};

export type SetUserMonthlyBudgetMutationVariables = Exact<{
  userId: string | number;
  budgetUsd?: number | null | undefined;
}>;

export type SetUserMonthlyBudgetMutation = {
  setUserMonthlyBudget: { id: string; monthlyBudgetUsd: number | null; spentThisMonthUsd: number };
};

export type SetUserRoleMutationVariables = Exact<{
  id: string | number;
  role: Role;
}>;

export type SetUserRoleMutation = {
  setUserRole: {
    id: string;
    email: string;
    role: Role;
    createdAt: string;
    disabledAt: string | null;
  };
};

export type UserCredentialsQueryVariables = Exact<{
  userId: string | number;
}>;

export type UserCredentialsQuery = {
  userCredentials: Array<{
    id: string;
    provider: Provider;
    kind: CredentialKind;
    hint: string;
    version: number;
    createdAt: string;
    updatedAt: string;
    lastUsedAt: string | null;
    expiresAt: string | null;
    refusedAt: string | null;
    status: CredentialStatus;
    refreshable: boolean;
    fix: string | null;
    secretSetAt: string;
    rotationDue: boolean;
  }>;
};

export type UsersQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;

export type UsersQuery = {
  users: {
    totalCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    edges: Array<{
      node: {
        id: string;
        email: string;
        role: Role;
        createdAt: string;
        disabledAt: string | null;
        monthlyBudgetUsd: number | null;
        spentThisMonthUsd: number;
      };
    }>;
  };
};

export type AgentEventsSubscriptionVariables = Exact<{
  agentId: string | number;
  afterSeq?: number | null | undefined;
}>;

export type AgentEventsSubscription = {
  agentEvents: {
    seq: number;
    type: AgentEventType;
    agentId: string;
    messageId: string | null;
    at: string;
    text: string | null;
    toolName: string | null;
    toolDetail: string | null;
    status: AgentStatus | null;
    errorCode: string | null;
    message: string | null;
    usage: {
      callIndex: number;
      provider: Provider;
      model: string;
      keySource: KeySource;
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      reasoningTokens: number;
      costUsd: number | null;
    } | null;
  };
};

export type AgentLogsQueryVariables = Exact<{
  id: string | number;
  last?: number | null | undefined;
}>;

export type AgentLogsQuery = {
  agent: {
    id: string;
    logs: Array<{
      messageId: string;
      startedAt: string;
      endedAt: string;
      durationMs: number;
      outcome: RunOutcome;
      errorCode: string | null;
      errorMessage: string | null;
      calls: number;
      output: string;
    }>;
  } | null;
};

export type AgentMessagesQueryVariables = Exact<{
  sessionId: string | number;
  last: number;
}>;

export type AgentMessagesQuery = {
  session: {
    id: string;
    agents: Array<{
      id: string;
      status: AgentStatus;
      statusReason: string | null;
      messages: Array<{
        id: string;
        role: string;
        text: string;
        status: MessageStatus;
        errorCode: string | null;
        errorMessage: string | null;
        keySource: KeySource | null;
        createdAt: string;
      }>;
    }>;
  } | null;
};

export type CancelMessageMutationVariables = Exact<{
  id: string | number;
}>;

export type CancelMessageMutation = {
  cancelMessage: {
    id: string;
    role: string;
    text: string;
    status: MessageStatus;
    errorCode: string | null;
    errorMessage: string | null;
    keySource: KeySource | null;
    createdAt: string;
  };
};

export type AgentChangesQueryVariables = Exact<{
  id: string | number;
}>;

export type AgentChangesQuery = {
  agent: {
    id: string;
    changes: {
      baseCommit: string;
      files: Array<{
        path: string;
        status: FileChangeStatus;
        added: number | null;
        removed: number | null;
      }>;
    } | null;
  } | null;
};

export type AgentFileDiffQueryVariables = Exact<{
  id: string | number;
  path: string;
}>;

export type AgentFileDiffQuery = {
  agent: { id: string; fileDiff: { path: string; diff: string; truncated: boolean } | null } | null;
};

export type PushAgentBranchMutationVariables = Exact<{
  agentId: string | number;
  branch: string;
  message?: string | null | undefined;
}>;

export type PushAgentBranchMutation = {
  pushAgentBranch: { branch: string; commit: string; remoteMessage: string };
};

export type NextCredentialQueryVariables = Exact<{
  id: string | number;
  provider: Provider;
  agentKind: AgentKind;
}>;

export type NextCredentialQuery = {
  session: {
    id: string;
    nextCredential: {
      source: KeySource;
      provider: Provider;
      kind: CredentialKind;
      hint: string | null;
      refusedAt: string | null;
    } | null;
  } | null;
};

export type RemoveAgentMutationVariables = Exact<{
  id: string | number;
}>;

export type RemoveAgentMutation = { removeAgent: boolean };

export type RenameAgentMutationVariables = Exact<{
  id: string | number;
  name: string;
}>;

export type RenameAgentMutation = { renameAgent: { id: string; name: string } };

export type SendMessageMutationVariables = Exact<{
  agentId: string | number;
  text: string;
}>;

export type SendMessageMutation = {
  sendMessage: {
    id: string;
    role: string;
    text: string;
    status: MessageStatus;
    errorCode: string | null;
    errorMessage: string | null;
    keySource: KeySource | null;
    createdAt: string;
  };
};

export type SpawnAgentMutationVariables = Exact<{
  sessionId: string | number;
  kind: AgentKind;
  model?: string | null | undefined;
  provider?: Provider | null | undefined;
}>;

export type SpawnAgentMutation = {
  spawnAgent: {
    id: string;
    kind: AgentKind;
    provider: Provider;
    model: string;
    status: AgentStatus;
    statusReason: string | null;
    createdAt: string;
  };
};

export type MeQueryVariables = Exact<{ [key: string]: never }>;

export type MeQuery = { me: { id: string; email: string; role: Role } };

export type SignInMutationVariables = Exact<{
  email: string;
  password: string;
}>;

export type SignInMutation = {
  signIn: { token: string; user: { id: string; email: string; role: Role } };
};

export type SignOutMutationVariables = Exact<{ [key: string]: never }>;

export type SignOutMutation = { signOut: boolean };

export type SignUpMutationVariables = Exact<{
  email: string;
  password: string;
}>;

export type SignUpMutation = {
  signUp: { token: string; user: { id: string; email: string; role: Role } };
};

export type RegistryQueryVariables = Exact<{ [key: string]: never }>;

export type RegistryQuery = {
  agentKinds: Array<{
    kind: AgentKind;
    label: string;
    description: string;
    providers: Array<Provider>;
    defaultProvider: Provider;
    credentialKinds: Array<CredentialKind>;
    runnable: boolean;
    command: string | null;
    setup: Array<{
      provider: Provider;
      kind: CredentialKind;
      instructions: string;
      steps: Array<string>;
    }>;
  }>;
  providers: Array<{
    provider: Provider;
    label: string;
    credentialKinds: Array<CredentialKind>;
    defaultModel: string;
    systemKeyAvailable: boolean;
    models: Array<{ id: string; name: string }>;
    credentialFormats: Array<{
      kind: CredentialKind;
      name: string;
      inputLabel: string;
      description: string;
      prefixes: Array<string>;
      placeholder: string;
      multiline: boolean;
    }>;
  }>;
};

export type RemoveSessionKeyMutationVariables = Exact<{
  sessionId: string | number;
  provider: Provider;
  agentKind: AgentKind;
}>;

export type RemoveSessionKeyMutation = {
  removeSessionKey: {
    id: string;
    keySource: KeySource | null;
    keys: Array<{
      id: string;
      provider: Provider;
      kind: CredentialKind;
      hint: string;
      version: number;
      createdAt: string;
      updatedAt: string;
      lastUsedAt: string | null;
      expiresAt: string | null;
      refusedAt: string | null;
      status: CredentialStatus;
      refreshable: boolean;
      fix: string | null;
      secretSetAt: string;
      rotationDue: boolean;
    }>;
  };
};

export type SessionKeyQueryVariables = Exact<{
  id: string | number;
  provider: Provider;
  agentKind: AgentKind;
}>;

export type SessionKeyQuery = {
  session: {
    id: string;
    name: string;
    viewerRole: SessionRole;
    keySource: KeySource | null;
    keys: Array<{
      id: string;
      provider: Provider;
      kind: CredentialKind;
      hint: string;
      version: number;
      createdAt: string;
      updatedAt: string;
      lastUsedAt: string | null;
      expiresAt: string | null;
      refusedAt: string | null;
      status: CredentialStatus;
      refreshable: boolean;
      fix: string | null;
      secretSetAt: string;
      rotationDue: boolean;
    }>;
  } | null;
};

export type SessionManageQueryVariables = Exact<{
  id: string | number;
}>;

export type SessionManageQuery = {
  session: {
    id: string;
    name: string;
    repoUrl: string | null;
    viewerRole: SessionRole;
    budgetUsd: number | null;
    agents: Array<{ id: string }>;
    keys: Array<{ id: string }>;
    members: Array<{ userId: string; email: string; role: SessionRole; since: string }>;
    usage: { estimatedCostUsd: number; apiCalls: number };
  } | null;
};

export type RenameSessionMutationVariables = Exact<{
  id: string | number;
  name: string;
}>;

export type RenameSessionMutation = { renameSession: { id: string; name: string } };

export type SetSessionBudgetMutationVariables = Exact<{
  sessionId: string | number;
  budgetUsd?: number | null | undefined;
}>;

export type SetSessionBudgetMutation = {
  setSessionBudget: { id: string; budgetUsd: number | null };
};

export type AddSessionMemberMutationVariables = Exact<{
  sessionId: string | number;
  email: string;
  role: MemberRole;
}>;

export type AddSessionMemberMutation = {
  addSessionMember: {
    id: string;
    members: Array<{ userId: string; email: string; role: SessionRole; since: string }>;
  };
};

export type RemoveSessionMemberMutationVariables = Exact<{
  sessionId: string | number;
  userId: string | number;
}>;

export type RemoveSessionMemberMutation = { removeSessionMember: boolean };

export type SetSessionKeyMutationVariables = Exact<{
  sessionId: string | number;
  provider: Provider;
  secret: string;
  agentKind: AgentKind;
}>;

export type SetSessionKeyMutation = {
  setSessionKey: {
    id: string;
    keySource: KeySource | null;
    keys: Array<{
      id: string;
      provider: Provider;
      kind: CredentialKind;
      hint: string;
      version: number;
      createdAt: string;
      updatedAt: string;
      lastUsedAt: string | null;
      expiresAt: string | null;
      refusedAt: string | null;
      status: CredentialStatus;
      refreshable: boolean;
      fix: string | null;
      secretSetAt: string;
      rotationDue: boolean;
    }>;
  };
};

export type CreateSessionMutationVariables = Exact<{
  input: CreateSessionInput;
}>;

export type CreateSessionMutation = { createSession: { id: string; name: string } };

export type DeleteSessionMutationVariables = Exact<{
  id: string | number;
}>;

export type DeleteSessionMutation = { deleteSession: boolean };

export type SessionQueryVariables = Exact<{
  id: string | number;
}>;

export type SessionQuery = {
  session: {
    id: string;
    name: string;
    repoUrl: string | null;
    createdAt: string;
    viewerRole: SessionRole;
    keys: Array<{
      id: string;
      provider: Provider;
      kind: CredentialKind;
      hint: string;
      version: number;
      createdAt: string;
      updatedAt: string;
      lastUsedAt: string | null;
      expiresAt: string | null;
      refusedAt: string | null;
      status: CredentialStatus;
      refreshable: boolean;
      fix: string | null;
      secretSetAt: string;
      rotationDue: boolean;
    }>;
    agents: Array<{
      id: string;
      kind: AgentKind;
      name: string;
      provider: Provider;
      model: string;
      status: AgentStatus;
      statusReason: string | null;
      createdAt: string;
    }>;
    usage: {
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      reasoningTokens: number;
      totalTokens: number;
      apiCalls: number;
      estimatedCostUsd: number;
      unpricedCalls: number;
    };
  } | null;
};

export type SessionsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  orderBy?: SessionOrder | null | undefined;
}>;

export type SessionsQuery = {
  sessions: {
    totalCount: number;
    pageInfo: { endCursor: string | null; hasNextPage: boolean };
    edges: Array<{
      cursor: string;
      node: {
        id: string;
        name: string;
        repoUrl: string | null;
        createdAt: string;
        viewerRole: SessionRole;
        agents: Array<{ id: string }>;
        usage: {
          totalTokens: number;
          apiCalls: number;
          estimatedCostUsd: number;
          unpricedCalls: number;
        };
      };
    }>;
  };
};

export type ApiTokenFieldsFragment = {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
};

export type ApiTokensQueryVariables = Exact<{ [key: string]: never }>;

export type ApiTokensQuery = {
  apiTokens: Array<{ id: string; name: string; createdAt: string; lastUsedAt: string | null }>;
};

export type CreateApiTokenMutationVariables = Exact<{
  name: string;
}>;

export type CreateApiTokenMutation = {
  createApiToken: {
    token: string;
    apiToken: { id: string; name: string; createdAt: string; lastUsedAt: string | null };
  };
};

export type RevokeApiTokenMutationVariables = Exact<{
  id: string | number;
}>;

export type RevokeApiTokenMutation = { revokeApiToken: boolean };

export type SessionUsageSubscriptionVariables = Exact<{
  sessionId: string | number;
}>;

export type SessionUsageSubscription = {
  sessionUsage: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens: number;
    cacheWriteTokens: number;
    reasoningTokens: number;
    totalTokens: number;
    apiCalls: number;
    estimatedCostUsd: number;
    unpricedCalls: number;
  };
};

export type UsageSeriesQueryVariables = Exact<{
  id: string | number;
  bucket: UsageBucketSize;
  from: string;
  to: string;
}>;

export type UsageSeriesQuery = {
  session: {
    id: string;
    usage: {
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      reasoningTokens: number;
      totalTokens: number;
      apiCalls: number;
      estimatedCostUsd: number;
      unpricedCalls: number;
    };
    usageSeries: Array<{
      start: string;
      inputTokens: number;
      outputTokens: number;
      cacheReadTokens: number;
      cacheWriteTokens: number;
      reasoningTokens: number;
      totalTokens: number;
      apiCalls: number;
      estimatedCostUsd: number;
    }>;
  } | null;
};

export type UsageTotalsFragment = {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  totalTokens: number;
  apiCalls: number;
  estimatedCostUsd: number;
  unpricedCalls: number;
};

export const CredentialFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CredentialFieldsFragment, unknown>;
export const DeviceSignInFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "DeviceSignInFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "DeviceSignIn" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "verificationUri" } },
          { kind: "Field", name: { kind: "Name", value: "verificationUriComplete" } },
          { kind: "Field", name: { kind: "Name", value: "userCode" } },
          { kind: "Field", name: { kind: "Name", value: "intervalSeconds" } },
          { kind: "Field", name: { kind: "Name", value: "message" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "credential" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DeviceSignInFieldsFragment, unknown>;
export const CodeSignInFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CodeSignInFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CodeSignIn" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "authorizeUrl" } },
          { kind: "Field", name: { kind: "Name", value: "message" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CodeSignInFieldsFragment, unknown>;
export const ApiTokenFieldsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ApiTokenFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ApiToken" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "name" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ApiTokenFieldsFragment, unknown>;
export const UsageTotalsFragmentDoc = {
  kind: "Document",
  definitions: [
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "UsageTotals" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "UsageStats" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "inputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "outputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheReadTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheWriteTokens" } },
          { kind: "Field", name: { kind: "Name", value: "reasoningTokens" } },
          { kind: "Field", name: { kind: "Name", value: "totalTokens" } },
          { kind: "Field", name: { kind: "Name", value: "apiCalls" } },
          { kind: "Field", name: { kind: "Name", value: "estimatedCostUsd" } },
          { kind: "Field", name: { kind: "Name", value: "unpricedCalls" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UsageTotalsFragment, unknown>;
export const AccountCredentialsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "AccountCredentials" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "accountCredentials" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AccountCredentialsQuery, AccountCredentialsQueryVariables>;
export const MyMonthlyBudgetDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "MyMonthlyBudget" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "me" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "monthlyBudgetUsd" } },
                { kind: "Field", name: { kind: "Name", value: "spentThisMonthUsd" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MyMonthlyBudgetQuery, MyMonthlyBudgetQueryVariables>;
export const RemoveAccountCredentialDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RemoveAccountCredential" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "provider" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Provider" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "kind" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "CredentialKind" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "removeAccountCredential" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "provider" },
                value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "kind" },
                value: { kind: "Variable", name: { kind: "Name", value: "kind" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<
  RemoveAccountCredentialMutation,
  RemoveAccountCredentialMutationVariables
>;
export const SetAccountCredentialDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SetAccountCredential" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "provider" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Provider" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "kind" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "CredentialKind" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "secret" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "setAccountCredential" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "provider" },
                value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "kind" },
                value: { kind: "Variable", name: { kind: "Name", value: "kind" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "secret" },
                value: { kind: "Variable", name: { kind: "Name", value: "secret" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetAccountCredentialMutation, SetAccountCredentialMutationVariables>;
export const StartDeviceSignInDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "StartDeviceSignIn" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "StartDeviceSignInInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "startDeviceSignIn" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "DeviceSignInFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "DeviceSignInFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "DeviceSignIn" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "verificationUri" } },
          { kind: "Field", name: { kind: "Name", value: "verificationUriComplete" } },
          { kind: "Field", name: { kind: "Name", value: "userCode" } },
          { kind: "Field", name: { kind: "Name", value: "intervalSeconds" } },
          { kind: "Field", name: { kind: "Name", value: "message" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "credential" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<StartDeviceSignInMutation, StartDeviceSignInMutationVariables>;
export const DeviceSignInDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "DeviceSignIn" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "deviceSignIn" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "DeviceSignInFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "DeviceSignInFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "DeviceSignIn" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "verificationUri" } },
          { kind: "Field", name: { kind: "Name", value: "verificationUriComplete" } },
          { kind: "Field", name: { kind: "Name", value: "userCode" } },
          { kind: "Field", name: { kind: "Name", value: "intervalSeconds" } },
          { kind: "Field", name: { kind: "Name", value: "message" } },
          {
            kind: "Field",
            name: { kind: "Name", value: "credential" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DeviceSignInQuery, DeviceSignInQueryVariables>;
export const StartCodeSignInDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "StartCodeSignIn" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "StartCodeSignInInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "startCodeSignIn" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CodeSignInFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CodeSignInFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CodeSignIn" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "authorizeUrl" } },
          { kind: "Field", name: { kind: "Name", value: "message" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<StartCodeSignInMutation, StartCodeSignInMutationVariables>;
export const CompleteCodeSignInDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "CompleteCodeSignIn" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "code" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "completeCodeSignIn" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "code" },
                value: { kind: "Variable", name: { kind: "Name", value: "code" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CompleteCodeSignInMutation, CompleteCodeSignInMutationVariables>;
export const CancelSignInDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "CancelSignIn" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "cancelSignIn" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CancelSignInMutation, CancelSignInMutationVariables>;
export const VerifyCredentialDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "VerifyCredential" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "verifyCredential" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "result" } },
                { kind: "Field", name: { kind: "Name", value: "status" } },
                { kind: "Field", name: { kind: "Name", value: "message" } },
                { kind: "Field", name: { kind: "Name", value: "checkedAt" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<VerifyCredentialMutation, VerifyCredentialMutationVariables>;
export const AdminCredentialsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "AdminCredentials" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "first" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "after" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "adminCredentials" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "first" },
                value: { kind: "Variable", name: { kind: "Name", value: "first" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "after" },
                value: { kind: "Variable", name: { kind: "Name", value: "after" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "totalCount" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "pageInfo" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "endCursor" } },
                      { kind: "Field", name: { kind: "Name", value: "hasNextPage" } },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "edges" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "node" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [
                            { kind: "Field", name: { kind: "Name", value: "ownerId" } },
                            { kind: "Field", name: { kind: "Name", value: "ownerEmail" } },
                            { kind: "Field", name: { kind: "Name", value: "sessionId" } },
                            { kind: "Field", name: { kind: "Name", value: "sessionName" } },
                            {
                              kind: "Field",
                              name: { kind: "Name", value: "credential" },
                              selectionSet: {
                                kind: "SelectionSet",
                                selections: [
                                  { kind: "Field", name: { kind: "Name", value: "id" } },
                                  { kind: "Field", name: { kind: "Name", value: "provider" } },
                                  { kind: "Field", name: { kind: "Name", value: "kind" } },
                                  { kind: "Field", name: { kind: "Name", value: "hint" } },
                                  { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                                  { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AdminCredentialsQuery, AdminCredentialsQueryVariables>;
export const AdminDeleteCredentialDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "AdminDeleteCredential" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "adminDeleteCredential" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AdminDeleteCredentialMutation, AdminDeleteCredentialMutationVariables>;
export const DeleteUserDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "DeleteUser" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "deleteUser" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DeleteUserMutation, DeleteUserMutationVariables>;
export const SetUserDisabledDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SetUserDisabled" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "disabled" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Boolean" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "setUserDisabled" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "disabled" },
                value: { kind: "Variable", name: { kind: "Name", value: "disabled" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "email" } },
                { kind: "Field", name: { kind: "Name", value: "role" } },
                { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                { kind: "Field", name: { kind: "Name", value: "disabledAt" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetUserDisabledMutation, SetUserDisabledMutationVariables>;
export const SetUserMonthlyBudgetDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SetUserMonthlyBudget" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "userId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "budgetUsd" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Float" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "setUserMonthlyBudget" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "userId" },
                value: { kind: "Variable", name: { kind: "Name", value: "userId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "budgetUsd" },
                value: { kind: "Variable", name: { kind: "Name", value: "budgetUsd" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "monthlyBudgetUsd" } },
                { kind: "Field", name: { kind: "Name", value: "spentThisMonthUsd" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetUserMonthlyBudgetMutation, SetUserMonthlyBudgetMutationVariables>;
export const SetUserRoleDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SetUserRole" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "role" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Role" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "setUserRole" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "role" },
                value: { kind: "Variable", name: { kind: "Name", value: "role" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "email" } },
                { kind: "Field", name: { kind: "Name", value: "role" } },
                { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                { kind: "Field", name: { kind: "Name", value: "disabledAt" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetUserRoleMutation, SetUserRoleMutationVariables>;
export const UserCredentialsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "UserCredentials" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "userId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "userCredentials" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "userId" },
                value: { kind: "Variable", name: { kind: "Name", value: "userId" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UserCredentialsQuery, UserCredentialsQueryVariables>;
export const UsersDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Users" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "first" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "after" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "users" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "first" },
                value: { kind: "Variable", name: { kind: "Name", value: "first" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "after" },
                value: { kind: "Variable", name: { kind: "Name", value: "after" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "totalCount" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "pageInfo" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "endCursor" } },
                      { kind: "Field", name: { kind: "Name", value: "hasNextPage" } },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "edges" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "node" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [
                            { kind: "Field", name: { kind: "Name", value: "id" } },
                            { kind: "Field", name: { kind: "Name", value: "email" } },
                            { kind: "Field", name: { kind: "Name", value: "role" } },
                            { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                            { kind: "Field", name: { kind: "Name", value: "disabledAt" } },
                            { kind: "Field", name: { kind: "Name", value: "monthlyBudgetUsd" } },
                            { kind: "Field", name: { kind: "Name", value: "spentThisMonthUsd" } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UsersQuery, UsersQueryVariables>;
export const AgentEventsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "AgentEvents" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "agentId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "afterSeq" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "agentEvents" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "agentId" },
                value: { kind: "Variable", name: { kind: "Name", value: "agentId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "afterSeq" },
                value: { kind: "Variable", name: { kind: "Name", value: "afterSeq" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "seq" } },
                { kind: "Field", name: { kind: "Name", value: "type" } },
                { kind: "Field", name: { kind: "Name", value: "agentId" } },
                { kind: "Field", name: { kind: "Name", value: "messageId" } },
                { kind: "Field", name: { kind: "Name", value: "at" } },
                { kind: "Field", name: { kind: "Name", value: "text" } },
                { kind: "Field", name: { kind: "Name", value: "toolName" } },
                { kind: "Field", name: { kind: "Name", value: "toolDetail" } },
                { kind: "Field", name: { kind: "Name", value: "status" } },
                { kind: "Field", name: { kind: "Name", value: "errorCode" } },
                { kind: "Field", name: { kind: "Name", value: "message" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "usage" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "callIndex" } },
                      { kind: "Field", name: { kind: "Name", value: "provider" } },
                      { kind: "Field", name: { kind: "Name", value: "model" } },
                      { kind: "Field", name: { kind: "Name", value: "keySource" } },
                      { kind: "Field", name: { kind: "Name", value: "inputTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "outputTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "cacheReadTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "cacheWriteTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "reasoningTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "costUsd" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AgentEventsSubscription, AgentEventsSubscriptionVariables>;
export const AgentLogsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "AgentLogs" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "last" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "agent" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "logs" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "last" },
                      value: { kind: "Variable", name: { kind: "Name", value: "last" } },
                    },
                  ],
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "messageId" } },
                      { kind: "Field", name: { kind: "Name", value: "startedAt" } },
                      { kind: "Field", name: { kind: "Name", value: "endedAt" } },
                      { kind: "Field", name: { kind: "Name", value: "durationMs" } },
                      { kind: "Field", name: { kind: "Name", value: "outcome" } },
                      { kind: "Field", name: { kind: "Name", value: "errorCode" } },
                      { kind: "Field", name: { kind: "Name", value: "errorMessage" } },
                      { kind: "Field", name: { kind: "Name", value: "calls" } },
                      { kind: "Field", name: { kind: "Name", value: "output" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AgentLogsQuery, AgentLogsQueryVariables>;
export const AgentMessagesDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "AgentMessages" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "last" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "session" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "agents" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "id" } },
                      { kind: "Field", name: { kind: "Name", value: "status" } },
                      { kind: "Field", name: { kind: "Name", value: "statusReason" } },
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "messages" },
                        arguments: [
                          {
                            kind: "Argument",
                            name: { kind: "Name", value: "last" },
                            value: { kind: "Variable", name: { kind: "Name", value: "last" } },
                          },
                        ],
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [
                            { kind: "Field", name: { kind: "Name", value: "id" } },
                            { kind: "Field", name: { kind: "Name", value: "role" } },
                            { kind: "Field", name: { kind: "Name", value: "text" } },
                            { kind: "Field", name: { kind: "Name", value: "status" } },
                            { kind: "Field", name: { kind: "Name", value: "errorCode" } },
                            { kind: "Field", name: { kind: "Name", value: "errorMessage" } },
                            { kind: "Field", name: { kind: "Name", value: "keySource" } },
                            { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AgentMessagesQuery, AgentMessagesQueryVariables>;
export const CancelMessageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "CancelMessage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "cancelMessage" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "role" } },
                { kind: "Field", name: { kind: "Name", value: "text" } },
                { kind: "Field", name: { kind: "Name", value: "status" } },
                { kind: "Field", name: { kind: "Name", value: "errorCode" } },
                { kind: "Field", name: { kind: "Name", value: "errorMessage" } },
                { kind: "Field", name: { kind: "Name", value: "keySource" } },
                { kind: "Field", name: { kind: "Name", value: "createdAt" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CancelMessageMutation, CancelMessageMutationVariables>;
export const AgentChangesDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "AgentChanges" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "agent" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "changes" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "baseCommit" } },
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "files" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [
                            { kind: "Field", name: { kind: "Name", value: "path" } },
                            { kind: "Field", name: { kind: "Name", value: "status" } },
                            { kind: "Field", name: { kind: "Name", value: "added" } },
                            { kind: "Field", name: { kind: "Name", value: "removed" } },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AgentChangesQuery, AgentChangesQueryVariables>;
export const AgentFileDiffDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "AgentFileDiff" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "path" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "agent" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "fileDiff" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "path" },
                      value: { kind: "Variable", name: { kind: "Name", value: "path" } },
                    },
                  ],
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "path" } },
                      { kind: "Field", name: { kind: "Name", value: "diff" } },
                      { kind: "Field", name: { kind: "Name", value: "truncated" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AgentFileDiffQuery, AgentFileDiffQueryVariables>;
export const PushAgentBranchDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "PushAgentBranch" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "agentId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "branch" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "message" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "pushAgentBranch" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "agentId" },
                value: { kind: "Variable", name: { kind: "Name", value: "agentId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "branch" },
                value: { kind: "Variable", name: { kind: "Name", value: "branch" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "message" },
                value: { kind: "Variable", name: { kind: "Name", value: "message" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "branch" } },
                { kind: "Field", name: { kind: "Name", value: "commit" } },
                { kind: "Field", name: { kind: "Name", value: "remoteMessage" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<PushAgentBranchMutation, PushAgentBranchMutationVariables>;
export const NextCredentialDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "NextCredential" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "provider" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Provider" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "AgentKind" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "session" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "nextCredential" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "provider" },
                      value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "agentKind" },
                      value: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
                    },
                  ],
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "source" } },
                      { kind: "Field", name: { kind: "Name", value: "provider" } },
                      { kind: "Field", name: { kind: "Name", value: "kind" } },
                      { kind: "Field", name: { kind: "Name", value: "hint" } },
                      { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<NextCredentialQuery, NextCredentialQueryVariables>;
export const RemoveAgentDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RemoveAgent" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "removeAgent" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RemoveAgentMutation, RemoveAgentMutationVariables>;
export const RenameAgentDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RenameAgent" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "name" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "renameAgent" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "name" },
                value: { kind: "Variable", name: { kind: "Name", value: "name" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "name" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RenameAgentMutation, RenameAgentMutationVariables>;
export const SendMessageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SendMessage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "agentId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "text" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "sendMessage" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "agentId" },
                value: { kind: "Variable", name: { kind: "Name", value: "agentId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "text" },
                value: { kind: "Variable", name: { kind: "Name", value: "text" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "role" } },
                { kind: "Field", name: { kind: "Name", value: "text" } },
                { kind: "Field", name: { kind: "Name", value: "status" } },
                { kind: "Field", name: { kind: "Name", value: "errorCode" } },
                { kind: "Field", name: { kind: "Name", value: "errorMessage" } },
                { kind: "Field", name: { kind: "Name", value: "keySource" } },
                { kind: "Field", name: { kind: "Name", value: "createdAt" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SendMessageMutation, SendMessageMutationVariables>;
export const SpawnAgentDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SpawnAgent" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "kind" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "AgentKind" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "model" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "provider" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Provider" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "spawnAgent" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "sessionId" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "kind" },
                value: { kind: "Variable", name: { kind: "Name", value: "kind" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "model" },
                value: { kind: "Variable", name: { kind: "Name", value: "model" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "provider" },
                value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "kind" } },
                { kind: "Field", name: { kind: "Name", value: "provider" } },
                { kind: "Field", name: { kind: "Name", value: "model" } },
                { kind: "Field", name: { kind: "Name", value: "status" } },
                { kind: "Field", name: { kind: "Name", value: "statusReason" } },
                { kind: "Field", name: { kind: "Name", value: "createdAt" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SpawnAgentMutation, SpawnAgentMutationVariables>;
export const MeDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Me" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "me" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "email" } },
                { kind: "Field", name: { kind: "Name", value: "role" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const SignInDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SignIn" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "email" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "password" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "signIn" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "email" },
                value: { kind: "Variable", name: { kind: "Name", value: "email" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "password" },
                value: { kind: "Variable", name: { kind: "Name", value: "password" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "token" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "user" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "id" } },
                      { kind: "Field", name: { kind: "Name", value: "email" } },
                      { kind: "Field", name: { kind: "Name", value: "role" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SignInMutation, SignInMutationVariables>;
export const SignOutDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SignOut" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [{ kind: "Field", name: { kind: "Name", value: "signOut" } }],
      },
    },
  ],
} as unknown as DocumentNode<SignOutMutation, SignOutMutationVariables>;
export const SignUpDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SignUp" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "email" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "password" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "signUp" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "email" },
                value: { kind: "Variable", name: { kind: "Name", value: "email" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "password" },
                value: { kind: "Variable", name: { kind: "Name", value: "password" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "token" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "user" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "id" } },
                      { kind: "Field", name: { kind: "Name", value: "email" } },
                      { kind: "Field", name: { kind: "Name", value: "role" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SignUpMutation, SignUpMutationVariables>;
export const RegistryDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Registry" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "agentKinds" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "kind" } },
                { kind: "Field", name: { kind: "Name", value: "label" } },
                { kind: "Field", name: { kind: "Name", value: "description" } },
                { kind: "Field", name: { kind: "Name", value: "providers" } },
                { kind: "Field", name: { kind: "Name", value: "defaultProvider" } },
                { kind: "Field", name: { kind: "Name", value: "credentialKinds" } },
                { kind: "Field", name: { kind: "Name", value: "runnable" } },
                { kind: "Field", name: { kind: "Name", value: "command" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "setup" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "provider" } },
                      { kind: "Field", name: { kind: "Name", value: "kind" } },
                      { kind: "Field", name: { kind: "Name", value: "instructions" } },
                      { kind: "Field", name: { kind: "Name", value: "steps" } },
                    ],
                  },
                },
              ],
            },
          },
          {
            kind: "Field",
            name: { kind: "Name", value: "providers" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "provider" } },
                { kind: "Field", name: { kind: "Name", value: "label" } },
                { kind: "Field", name: { kind: "Name", value: "credentialKinds" } },
                { kind: "Field", name: { kind: "Name", value: "defaultModel" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "models" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "id" } },
                      { kind: "Field", name: { kind: "Name", value: "name" } },
                    ],
                  },
                },
                { kind: "Field", name: { kind: "Name", value: "systemKeyAvailable" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "credentialFormats" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "kind" } },
                      { kind: "Field", name: { kind: "Name", value: "name" } },
                      { kind: "Field", name: { kind: "Name", value: "inputLabel" } },
                      { kind: "Field", name: { kind: "Name", value: "description" } },
                      { kind: "Field", name: { kind: "Name", value: "prefixes" } },
                      { kind: "Field", name: { kind: "Name", value: "placeholder" } },
                      { kind: "Field", name: { kind: "Name", value: "multiline" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RegistryQuery, RegistryQueryVariables>;
export const RemoveSessionKeyDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RemoveSessionKey" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "provider" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Provider" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "AgentKind" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "removeSessionKey" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "sessionId" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "provider" },
                value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keySource" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "provider" },
                      value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "agentKind" },
                      value: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
                    },
                  ],
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keys" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RemoveSessionKeyMutation, RemoveSessionKeyMutationVariables>;
export const SessionKeyDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "SessionKey" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "provider" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Provider" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "AgentKind" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "session" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "name" } },
                { kind: "Field", name: { kind: "Name", value: "viewerRole" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keySource" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "provider" },
                      value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "agentKind" },
                      value: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
                    },
                  ],
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keys" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SessionKeyQuery, SessionKeyQueryVariables>;
export const SessionManageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "SessionManage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "session" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "name" } },
                { kind: "Field", name: { kind: "Name", value: "repoUrl" } },
                { kind: "Field", name: { kind: "Name", value: "viewerRole" } },
                { kind: "Field", name: { kind: "Name", value: "budgetUsd" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "agents" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keys" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [{ kind: "Field", name: { kind: "Name", value: "id" } }],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "members" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "userId" } },
                      { kind: "Field", name: { kind: "Name", value: "email" } },
                      { kind: "Field", name: { kind: "Name", value: "role" } },
                      { kind: "Field", name: { kind: "Name", value: "since" } },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "usage" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "estimatedCostUsd" } },
                      { kind: "Field", name: { kind: "Name", value: "apiCalls" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SessionManageQuery, SessionManageQueryVariables>;
export const RenameSessionDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RenameSession" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "name" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "renameSession" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "name" },
                value: { kind: "Variable", name: { kind: "Name", value: "name" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "name" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RenameSessionMutation, RenameSessionMutationVariables>;
export const SetSessionBudgetDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SetSessionBudget" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "budgetUsd" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "Float" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "setSessionBudget" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "sessionId" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "budgetUsd" },
                value: { kind: "Variable", name: { kind: "Name", value: "budgetUsd" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "budgetUsd" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetSessionBudgetMutation, SetSessionBudgetMutationVariables>;
export const AddSessionMemberDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "AddSessionMember" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "email" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "role" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "MemberRole" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "addSessionMember" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "sessionId" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "email" },
                value: { kind: "Variable", name: { kind: "Name", value: "email" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "role" },
                value: { kind: "Variable", name: { kind: "Name", value: "role" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "members" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "userId" } },
                      { kind: "Field", name: { kind: "Name", value: "email" } },
                      { kind: "Field", name: { kind: "Name", value: "role" } },
                      { kind: "Field", name: { kind: "Name", value: "since" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<AddSessionMemberMutation, AddSessionMemberMutationVariables>;
export const RemoveSessionMemberDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RemoveSessionMember" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "userId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "removeSessionMember" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "sessionId" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "userId" },
                value: { kind: "Variable", name: { kind: "Name", value: "userId" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RemoveSessionMemberMutation, RemoveSessionMemberMutationVariables>;
export const SetSessionKeyDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "SetSessionKey" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "provider" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Provider" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "secret" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "AgentKind" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "setSessionKey" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "sessionId" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "provider" },
                value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "secret" },
                value: { kind: "Variable", name: { kind: "Name", value: "secret" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keySource" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "provider" },
                      value: { kind: "Variable", name: { kind: "Name", value: "provider" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "agentKind" },
                      value: { kind: "Variable", name: { kind: "Name", value: "agentKind" } },
                    },
                  ],
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keys" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SetSessionKeyMutation, SetSessionKeyMutationVariables>;
export const CreateSessionDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "CreateSession" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "input" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "CreateSessionInput" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "createSession" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "input" },
                value: { kind: "Variable", name: { kind: "Name", value: "input" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "name" } },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateSessionMutation, CreateSessionMutationVariables>;
export const DeleteSessionDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "DeleteSession" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "deleteSession" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<DeleteSessionMutation, DeleteSessionMutationVariables>;
export const SessionDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Session" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "session" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                { kind: "Field", name: { kind: "Name", value: "name" } },
                { kind: "Field", name: { kind: "Name", value: "repoUrl" } },
                { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                { kind: "Field", name: { kind: "Name", value: "viewerRole" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "keys" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "CredentialFields" } },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "agents" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "id" } },
                      { kind: "Field", name: { kind: "Name", value: "kind" } },
                      { kind: "Field", name: { kind: "Name", value: "name" } },
                      { kind: "Field", name: { kind: "Name", value: "provider" } },
                      { kind: "Field", name: { kind: "Name", value: "model" } },
                      { kind: "Field", name: { kind: "Name", value: "status" } },
                      { kind: "Field", name: { kind: "Name", value: "statusReason" } },
                      { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "usage" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "UsageTotals" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "CredentialFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "CredentialInfo" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "provider" } },
          { kind: "Field", name: { kind: "Name", value: "kind" } },
          { kind: "Field", name: { kind: "Name", value: "hint" } },
          { kind: "Field", name: { kind: "Name", value: "version" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "updatedAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
          { kind: "Field", name: { kind: "Name", value: "expiresAt" } },
          { kind: "Field", name: { kind: "Name", value: "refusedAt" } },
          { kind: "Field", name: { kind: "Name", value: "status" } },
          { kind: "Field", name: { kind: "Name", value: "refreshable" } },
          { kind: "Field", name: { kind: "Name", value: "fix" } },
          { kind: "Field", name: { kind: "Name", value: "secretSetAt" } },
          { kind: "Field", name: { kind: "Name", value: "rotationDue" } },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "UsageTotals" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "UsageStats" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "inputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "outputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheReadTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheWriteTokens" } },
          { kind: "Field", name: { kind: "Name", value: "reasoningTokens" } },
          { kind: "Field", name: { kind: "Name", value: "totalTokens" } },
          { kind: "Field", name: { kind: "Name", value: "apiCalls" } },
          { kind: "Field", name: { kind: "Name", value: "estimatedCostUsd" } },
          { kind: "Field", name: { kind: "Name", value: "unpricedCalls" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SessionQuery, SessionQueryVariables>;
export const SessionsDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "Sessions" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "first" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "Int" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "after" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "orderBy" } },
          type: { kind: "NamedType", name: { kind: "Name", value: "SessionOrder" } },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "sessions" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "first" },
                value: { kind: "Variable", name: { kind: "Name", value: "first" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "after" },
                value: { kind: "Variable", name: { kind: "Name", value: "after" } },
              },
              {
                kind: "Argument",
                name: { kind: "Name", value: "orderBy" },
                value: { kind: "Variable", name: { kind: "Name", value: "orderBy" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "totalCount" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "pageInfo" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "endCursor" } },
                      { kind: "Field", name: { kind: "Name", value: "hasNextPage" } },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "edges" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "cursor" } },
                      {
                        kind: "Field",
                        name: { kind: "Name", value: "node" },
                        selectionSet: {
                          kind: "SelectionSet",
                          selections: [
                            { kind: "Field", name: { kind: "Name", value: "id" } },
                            { kind: "Field", name: { kind: "Name", value: "name" } },
                            { kind: "Field", name: { kind: "Name", value: "repoUrl" } },
                            { kind: "Field", name: { kind: "Name", value: "createdAt" } },
                            { kind: "Field", name: { kind: "Name", value: "viewerRole" } },
                            {
                              kind: "Field",
                              name: { kind: "Name", value: "agents" },
                              selectionSet: {
                                kind: "SelectionSet",
                                selections: [
                                  { kind: "Field", name: { kind: "Name", value: "id" } },
                                ],
                              },
                            },
                            {
                              kind: "Field",
                              name: { kind: "Name", value: "usage" },
                              selectionSet: {
                                kind: "SelectionSet",
                                selections: [
                                  { kind: "Field", name: { kind: "Name", value: "totalTokens" } },
                                  { kind: "Field", name: { kind: "Name", value: "apiCalls" } },
                                  {
                                    kind: "Field",
                                    name: { kind: "Name", value: "estimatedCostUsd" },
                                  },
                                  { kind: "Field", name: { kind: "Name", value: "unpricedCalls" } },
                                ],
                              },
                            },
                          ],
                        },
                      },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SessionsQuery, SessionsQueryVariables>;
export const ApiTokensDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "ApiTokens" },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "apiTokens" },
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "ApiTokenFields" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ApiTokenFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ApiToken" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "name" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<ApiTokensQuery, ApiTokensQueryVariables>;
export const CreateApiTokenDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "CreateApiToken" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "name" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "String" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "createApiToken" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "name" },
                value: { kind: "Variable", name: { kind: "Name", value: "name" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "token" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "apiToken" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "ApiTokenFields" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "ApiTokenFields" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "ApiToken" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "id" } },
          { kind: "Field", name: { kind: "Name", value: "name" } },
          { kind: "Field", name: { kind: "Name", value: "createdAt" } },
          { kind: "Field", name: { kind: "Name", value: "lastUsedAt" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<CreateApiTokenMutation, CreateApiTokenMutationVariables>;
export const RevokeApiTokenDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "mutation",
      name: { kind: "Name", value: "RevokeApiToken" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "revokeApiToken" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
          },
        ],
      },
    },
  ],
} as unknown as DocumentNode<RevokeApiTokenMutation, RevokeApiTokenMutationVariables>;
export const SessionUsageDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "subscription",
      name: { kind: "Name", value: "SessionUsage" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "sessionUsage" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "sessionId" },
                value: { kind: "Variable", name: { kind: "Name", value: "sessionId" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "FragmentSpread", name: { kind: "Name", value: "UsageTotals" } },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "UsageTotals" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "UsageStats" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "inputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "outputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheReadTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheWriteTokens" } },
          { kind: "Field", name: { kind: "Name", value: "reasoningTokens" } },
          { kind: "Field", name: { kind: "Name", value: "totalTokens" } },
          { kind: "Field", name: { kind: "Name", value: "apiCalls" } },
          { kind: "Field", name: { kind: "Name", value: "estimatedCostUsd" } },
          { kind: "Field", name: { kind: "Name", value: "unpricedCalls" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<SessionUsageSubscription, SessionUsageSubscriptionVariables>;
export const UsageSeriesDocument = {
  kind: "Document",
  definitions: [
    {
      kind: "OperationDefinition",
      operation: "query",
      name: { kind: "Name", value: "UsageSeries" },
      variableDefinitions: [
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "id" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "ID" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "bucket" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "UsageBucketSize" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "from" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "DateTime" } },
          },
        },
        {
          kind: "VariableDefinition",
          variable: { kind: "Variable", name: { kind: "Name", value: "to" } },
          type: {
            kind: "NonNullType",
            type: { kind: "NamedType", name: { kind: "Name", value: "DateTime" } },
          },
        },
      ],
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          {
            kind: "Field",
            name: { kind: "Name", value: "session" },
            arguments: [
              {
                kind: "Argument",
                name: { kind: "Name", value: "id" },
                value: { kind: "Variable", name: { kind: "Name", value: "id" } },
              },
            ],
            selectionSet: {
              kind: "SelectionSet",
              selections: [
                { kind: "Field", name: { kind: "Name", value: "id" } },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "usage" },
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "FragmentSpread", name: { kind: "Name", value: "UsageTotals" } },
                    ],
                  },
                },
                {
                  kind: "Field",
                  name: { kind: "Name", value: "usageSeries" },
                  arguments: [
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "bucket" },
                      value: { kind: "Variable", name: { kind: "Name", value: "bucket" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "from" },
                      value: { kind: "Variable", name: { kind: "Name", value: "from" } },
                    },
                    {
                      kind: "Argument",
                      name: { kind: "Name", value: "to" },
                      value: { kind: "Variable", name: { kind: "Name", value: "to" } },
                    },
                  ],
                  selectionSet: {
                    kind: "SelectionSet",
                    selections: [
                      { kind: "Field", name: { kind: "Name", value: "start" } },
                      { kind: "Field", name: { kind: "Name", value: "inputTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "outputTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "cacheReadTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "cacheWriteTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "reasoningTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "totalTokens" } },
                      { kind: "Field", name: { kind: "Name", value: "apiCalls" } },
                      { kind: "Field", name: { kind: "Name", value: "estimatedCostUsd" } },
                    ],
                  },
                },
              ],
            },
          },
        ],
      },
    },
    {
      kind: "FragmentDefinition",
      name: { kind: "Name", value: "UsageTotals" },
      typeCondition: { kind: "NamedType", name: { kind: "Name", value: "UsageStats" } },
      selectionSet: {
        kind: "SelectionSet",
        selections: [
          { kind: "Field", name: { kind: "Name", value: "inputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "outputTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheReadTokens" } },
          { kind: "Field", name: { kind: "Name", value: "cacheWriteTokens" } },
          { kind: "Field", name: { kind: "Name", value: "reasoningTokens" } },
          { kind: "Field", name: { kind: "Name", value: "totalTokens" } },
          { kind: "Field", name: { kind: "Name", value: "apiCalls" } },
          { kind: "Field", name: { kind: "Name", value: "estimatedCostUsd" } },
          { kind: "Field", name: { kind: "Name", value: "unpricedCalls" } },
        ],
      },
    },
  ],
} as unknown as DocumentNode<UsageSeriesQuery, UsageSeriesQueryVariables>;
