/* eslint-disable */
import * as types from "./graphql.js";
import type { TypedDocumentNode as DocumentNode } from "@graphql-typed-document-node/core";

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  "query AccountCredentials {\n  accountCredentials {\n    ...CredentialFields\n  }\n}": typeof types.AccountCredentialsDocument;
  "fragment CredentialFields on CredentialInfo {\n  id\n  provider\n  kind\n  hint\n  version\n  createdAt\n  updatedAt\n  lastUsedAt\n  expiresAt\n  refusedAt\n  status\n  refreshable\n  fix\n  secretSetAt\n  rotationDue\n}": typeof types.CredentialFieldsFragmentDoc;
  "query MyMonthlyBudget {\n  me {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}": typeof types.MyMonthlyBudgetDocument;
  "mutation RemoveAccountCredential($provider: Provider!, $kind: CredentialKind!) {\n  removeAccountCredential(provider: $provider, kind: $kind)\n}": typeof types.RemoveAccountCredentialDocument;
  "mutation SetAccountCredential($provider: Provider!, $kind: CredentialKind!, $secret: String!) {\n  setAccountCredential(provider: $provider, kind: $kind, secret: $secret) {\n    ...CredentialFields\n  }\n}": typeof types.SetAccountCredentialDocument;
  "fragment DeviceSignInFields on DeviceSignIn {\n  id\n  status\n  expiresAt\n  verificationUri\n  verificationUriComplete\n  userCode\n  intervalSeconds\n  message\n  credential {\n    ...CredentialFields\n  }\n}\n\nfragment CodeSignInFields on CodeSignIn {\n  id\n  status\n  expiresAt\n  authorizeUrl\n  message\n}\n\nmutation StartDeviceSignIn($input: StartDeviceSignInInput!) {\n  startDeviceSignIn(input: $input) {\n    ...DeviceSignInFields\n  }\n}\n\nquery DeviceSignIn($id: ID!) {\n  deviceSignIn(id: $id) {\n    ...DeviceSignInFields\n  }\n}\n\nmutation StartCodeSignIn($input: StartCodeSignInInput!) {\n  startCodeSignIn(input: $input) {\n    ...CodeSignInFields\n  }\n}\n\nmutation CompleteCodeSignIn($id: ID!, $code: String!) {\n  completeCodeSignIn(id: $id, code: $code) {\n    ...CredentialFields\n  }\n}\n\nmutation CancelSignIn($id: ID!) {\n  cancelSignIn(id: $id)\n}": typeof types.DeviceSignInFieldsFragmentDoc;
  "mutation VerifyCredential($id: ID!) {\n  verifyCredential(id: $id) {\n    result\n    status\n    message\n    checkedAt\n  }\n}": typeof types.VerifyCredentialDocument;
  "query AdminCredentials($first: Int!, $after: String) {\n  adminCredentials(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        ownerId\n        ownerEmail\n        sessionId\n        sessionName\n        credential {\n          id\n          provider\n          kind\n          hint\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n}": typeof types.AdminCredentialsDocument;
  "mutation AdminDeleteCredential($id: ID!) {\n  adminDeleteCredential(id: $id)\n}": typeof types.AdminDeleteCredentialDocument;
  "mutation DeleteUser($id: ID!) {\n  deleteUser(id: $id)\n}": typeof types.DeleteUserDocument;
  "mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n  setUserDisabled(id: $id, disabled: $disabled) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}": typeof types.SetUserDisabledDocument;
  "mutation SetUserMonthlyBudget($userId: ID!, $budgetUsd: Float) {\n  setUserMonthlyBudget(userId: $userId, budgetUsd: $budgetUsd) {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}": typeof types.SetUserMonthlyBudgetDocument;
  "mutation SetUserRole($id: ID!, $role: Role!) {\n  setUserRole(id: $id, role: $role) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}": typeof types.SetUserRoleDocument;
  "query UserCredentials($userId: ID!) {\n  userCredentials(userId: $userId) {\n    ...CredentialFields\n  }\n}": typeof types.UserCredentialsDocument;
  "query Users($first: Int!, $after: String) {\n  users(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        id\n        email\n        role\n        createdAt\n        disabledAt\n        monthlyBudgetUsd\n        spentThisMonthUsd\n      }\n    }\n  }\n}": typeof types.UsersDocument;
  "subscription AgentEvents($agentId: ID!, $afterSeq: Int) {\n  agentEvents(agentId: $agentId, afterSeq: $afterSeq) {\n    seq\n    type\n    agentId\n    messageId\n    at\n    text\n    toolName\n    toolDetail\n    status\n    errorCode\n    message\n    usage {\n      callIndex\n      provider\n      model\n      keySource\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      costUsd\n    }\n  }\n}": typeof types.AgentEventsDocument;
  "query AgentLogs($id: ID!, $last: Int) {\n  agent(id: $id) {\n    id\n    logs(last: $last) {\n      messageId\n      startedAt\n      endedAt\n      durationMs\n      outcome\n      errorCode\n      errorMessage\n      calls\n      output\n    }\n  }\n}": typeof types.AgentLogsDocument;
  "query AgentMessages($sessionId: ID!, $last: Int!) {\n  session(id: $sessionId) {\n    id\n    agents {\n      id\n      status\n      statusReason\n      messages(last: $last) {\n        id\n        role\n        text\n        status\n        errorCode\n        errorMessage\n        keySource\n        createdAt\n      }\n    }\n  }\n}": typeof types.AgentMessagesDocument;
  "mutation CancelMessage($id: ID!) {\n  cancelMessage(id: $id) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}": typeof types.CancelMessageDocument;
  "query AgentChanges($id: ID!) {\n  agent(id: $id) {\n    id\n    changes {\n      baseCommit\n      files {\n        path\n        status\n        added\n        removed\n      }\n    }\n  }\n}\n\nquery AgentFileDiff($id: ID!, $path: String!) {\n  agent(id: $id) {\n    id\n    fileDiff(path: $path) {\n      path\n      diff\n      truncated\n    }\n  }\n}\n\nmutation PushAgentBranch($agentId: ID!, $branch: String!, $message: String) {\n  pushAgentBranch(agentId: $agentId, branch: $branch, message: $message) {\n    branch\n    commit\n    remoteMessage\n  }\n}": typeof types.AgentChangesDocument;
  "query NextCredential($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    nextCredential(provider: $provider, agentKind: $agentKind) {\n      source\n      provider\n      kind\n      hint\n      refusedAt\n    }\n  }\n}": typeof types.NextCredentialDocument;
  "mutation RemoveAgent($id: ID!) {\n  removeAgent(id: $id)\n}": typeof types.RemoveAgentDocument;
  "mutation RenameAgent($id: ID!, $name: String!) {\n  renameAgent(id: $id, name: $name) {\n    id\n    name\n  }\n}": typeof types.RenameAgentDocument;
  "mutation SendMessage($agentId: ID!, $text: String!) {\n  sendMessage(agentId: $agentId, text: $text) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}": typeof types.SendMessageDocument;
  "mutation SpawnAgent($sessionId: ID!, $kind: AgentKind!, $model: String, $provider: Provider) {\n  spawnAgent(\n    sessionId: $sessionId\n    kind: $kind\n    model: $model\n    provider: $provider\n  ) {\n    id\n    kind\n    provider\n    model\n    status\n    statusReason\n    createdAt\n  }\n}": typeof types.SpawnAgentDocument;
  "query Me {\n  me {\n    id\n    email\n    role\n  }\n}": typeof types.MeDocument;
  "mutation SignIn($email: String!, $password: String!) {\n  signIn(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}": typeof types.SignInDocument;
  "mutation SignOut {\n  signOut\n}": typeof types.SignOutDocument;
  "mutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}": typeof types.SignUpDocument;
  "query Registry {\n  agentKinds {\n    kind\n    label\n    description\n    providers\n    defaultProvider\n    credentialKinds\n    runnable\n    command\n    setup {\n      provider\n      kind\n      instructions\n      steps\n    }\n  }\n  providers {\n    provider\n    label\n    credentialKinds\n    defaultModel\n    models {\n      id\n      name\n    }\n    systemKeyAvailable\n    credentialFormats {\n      kind\n      name\n      inputLabel\n      description\n      prefixes\n      placeholder\n      multiline\n    }\n  }\n}": typeof types.RegistryDocument;
  "mutation RemoveSessionKey($sessionId: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  removeSessionKey(sessionId: $sessionId, provider: $provider) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}": typeof types.RemoveSessionKeyDocument;
  "query SessionKey($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    name\n    viewerRole\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}": typeof types.SessionKeyDocument;
  "query SessionManage($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    viewerRole\n    budgetUsd\n    agents {\n      id\n    }\n    keys {\n      id\n    }\n    members {\n      userId\n      email\n      role\n      since\n    }\n    usage {\n      estimatedCostUsd\n      apiCalls\n    }\n  }\n}\n\nmutation RenameSession($id: ID!, $name: String!) {\n  renameSession(id: $id, name: $name) {\n    id\n    name\n  }\n}\n\nmutation SetSessionBudget($sessionId: ID!, $budgetUsd: Float) {\n  setSessionBudget(sessionId: $sessionId, budgetUsd: $budgetUsd) {\n    id\n    budgetUsd\n  }\n}\n\nmutation AddSessionMember($sessionId: ID!, $email: String!, $role: MemberRole!) {\n  addSessionMember(sessionId: $sessionId, email: $email, role: $role) {\n    id\n    members {\n      userId\n      email\n      role\n      since\n    }\n  }\n}\n\nmutation RemoveSessionMember($sessionId: ID!, $userId: ID!) {\n  removeSessionMember(sessionId: $sessionId, userId: $userId)\n}": typeof types.SessionManageDocument;
  "mutation SetSessionKey($sessionId: ID!, $provider: Provider!, $secret: String!, $agentKind: AgentKind!) {\n  setSessionKey(sessionId: $sessionId, provider: $provider, secret: $secret) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}": typeof types.SetSessionKeyDocument;
  "mutation CreateSession($input: CreateSessionInput!) {\n  createSession(input: $input) {\n    id\n    name\n  }\n}": typeof types.CreateSessionDocument;
  "mutation DeleteSession($id: ID!) {\n  deleteSession(id: $id)\n}": typeof types.DeleteSessionDocument;
  "query Session($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    createdAt\n    viewerRole\n    keys {\n      ...CredentialFields\n    }\n    agents {\n      id\n      kind\n      name\n      provider\n      model\n      status\n      statusReason\n      createdAt\n    }\n    usage {\n      ...UsageTotals\n    }\n  }\n}": typeof types.SessionDocument;
  "query Sessions($first: Int!, $after: String, $orderBy: SessionOrder) {\n  sessions(first: $first, after: $after, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        repoUrl\n        createdAt\n        viewerRole\n        agents {\n          id\n        }\n        usage {\n          totalTokens\n          apiCalls\n          estimatedCostUsd\n          unpricedCalls\n        }\n      }\n    }\n  }\n}": typeof types.SessionsDocument;
  "fragment ApiTokenFields on ApiToken {\n  id\n  name\n  createdAt\n  lastUsedAt\n}\n\nquery ApiTokens {\n  apiTokens {\n    ...ApiTokenFields\n  }\n}\n\nmutation CreateApiToken($name: String!) {\n  createApiToken(name: $name) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}": typeof types.ApiTokenFieldsFragmentDoc;
  "subscription SessionUsage($sessionId: ID!) {\n  sessionUsage(sessionId: $sessionId) {\n    ...UsageTotals\n  }\n}": typeof types.SessionUsageDocument;
  "query UsageSeries($id: ID!, $bucket: UsageBucketSize!, $from: DateTime!, $to: DateTime!) {\n  session(id: $id) {\n    id\n    usage {\n      ...UsageTotals\n    }\n    usageSeries(bucket: $bucket, from: $from, to: $to) {\n      start\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      totalTokens\n      apiCalls\n      estimatedCostUsd\n    }\n  }\n}": typeof types.UsageSeriesDocument;
  "fragment UsageTotals on UsageStats {\n  inputTokens\n  outputTokens\n  cacheReadTokens\n  cacheWriteTokens\n  reasoningTokens\n  totalTokens\n  apiCalls\n  estimatedCostUsd\n  unpricedCalls\n}": typeof types.UsageTotalsFragmentDoc;
};
const documents: Documents = {
  "query AccountCredentials {\n  accountCredentials {\n    ...CredentialFields\n  }\n}":
    types.AccountCredentialsDocument,
  "fragment CredentialFields on CredentialInfo {\n  id\n  provider\n  kind\n  hint\n  version\n  createdAt\n  updatedAt\n  lastUsedAt\n  expiresAt\n  refusedAt\n  status\n  refreshable\n  fix\n  secretSetAt\n  rotationDue\n}":
    types.CredentialFieldsFragmentDoc,
  "query MyMonthlyBudget {\n  me {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}":
    types.MyMonthlyBudgetDocument,
  "mutation RemoveAccountCredential($provider: Provider!, $kind: CredentialKind!) {\n  removeAccountCredential(provider: $provider, kind: $kind)\n}":
    types.RemoveAccountCredentialDocument,
  "mutation SetAccountCredential($provider: Provider!, $kind: CredentialKind!, $secret: String!) {\n  setAccountCredential(provider: $provider, kind: $kind, secret: $secret) {\n    ...CredentialFields\n  }\n}":
    types.SetAccountCredentialDocument,
  "fragment DeviceSignInFields on DeviceSignIn {\n  id\n  status\n  expiresAt\n  verificationUri\n  verificationUriComplete\n  userCode\n  intervalSeconds\n  message\n  credential {\n    ...CredentialFields\n  }\n}\n\nfragment CodeSignInFields on CodeSignIn {\n  id\n  status\n  expiresAt\n  authorizeUrl\n  message\n}\n\nmutation StartDeviceSignIn($input: StartDeviceSignInInput!) {\n  startDeviceSignIn(input: $input) {\n    ...DeviceSignInFields\n  }\n}\n\nquery DeviceSignIn($id: ID!) {\n  deviceSignIn(id: $id) {\n    ...DeviceSignInFields\n  }\n}\n\nmutation StartCodeSignIn($input: StartCodeSignInInput!) {\n  startCodeSignIn(input: $input) {\n    ...CodeSignInFields\n  }\n}\n\nmutation CompleteCodeSignIn($id: ID!, $code: String!) {\n  completeCodeSignIn(id: $id, code: $code) {\n    ...CredentialFields\n  }\n}\n\nmutation CancelSignIn($id: ID!) {\n  cancelSignIn(id: $id)\n}":
    types.DeviceSignInFieldsFragmentDoc,
  "mutation VerifyCredential($id: ID!) {\n  verifyCredential(id: $id) {\n    result\n    status\n    message\n    checkedAt\n  }\n}":
    types.VerifyCredentialDocument,
  "query AdminCredentials($first: Int!, $after: String) {\n  adminCredentials(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        ownerId\n        ownerEmail\n        sessionId\n        sessionName\n        credential {\n          id\n          provider\n          kind\n          hint\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n}":
    types.AdminCredentialsDocument,
  "mutation AdminDeleteCredential($id: ID!) {\n  adminDeleteCredential(id: $id)\n}":
    types.AdminDeleteCredentialDocument,
  "mutation DeleteUser($id: ID!) {\n  deleteUser(id: $id)\n}": types.DeleteUserDocument,
  "mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n  setUserDisabled(id: $id, disabled: $disabled) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}":
    types.SetUserDisabledDocument,
  "mutation SetUserMonthlyBudget($userId: ID!, $budgetUsd: Float) {\n  setUserMonthlyBudget(userId: $userId, budgetUsd: $budgetUsd) {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}":
    types.SetUserMonthlyBudgetDocument,
  "mutation SetUserRole($id: ID!, $role: Role!) {\n  setUserRole(id: $id, role: $role) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}":
    types.SetUserRoleDocument,
  "query UserCredentials($userId: ID!) {\n  userCredentials(userId: $userId) {\n    ...CredentialFields\n  }\n}":
    types.UserCredentialsDocument,
  "query Users($first: Int!, $after: String) {\n  users(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        id\n        email\n        role\n        createdAt\n        disabledAt\n        monthlyBudgetUsd\n        spentThisMonthUsd\n      }\n    }\n  }\n}":
    types.UsersDocument,
  "subscription AgentEvents($agentId: ID!, $afterSeq: Int) {\n  agentEvents(agentId: $agentId, afterSeq: $afterSeq) {\n    seq\n    type\n    agentId\n    messageId\n    at\n    text\n    toolName\n    toolDetail\n    status\n    errorCode\n    message\n    usage {\n      callIndex\n      provider\n      model\n      keySource\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      costUsd\n    }\n  }\n}":
    types.AgentEventsDocument,
  "query AgentLogs($id: ID!, $last: Int) {\n  agent(id: $id) {\n    id\n    logs(last: $last) {\n      messageId\n      startedAt\n      endedAt\n      durationMs\n      outcome\n      errorCode\n      errorMessage\n      calls\n      output\n    }\n  }\n}":
    types.AgentLogsDocument,
  "query AgentMessages($sessionId: ID!, $last: Int!) {\n  session(id: $sessionId) {\n    id\n    agents {\n      id\n      status\n      statusReason\n      messages(last: $last) {\n        id\n        role\n        text\n        status\n        errorCode\n        errorMessage\n        keySource\n        createdAt\n      }\n    }\n  }\n}":
    types.AgentMessagesDocument,
  "mutation CancelMessage($id: ID!) {\n  cancelMessage(id: $id) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}":
    types.CancelMessageDocument,
  "query AgentChanges($id: ID!) {\n  agent(id: $id) {\n    id\n    changes {\n      baseCommit\n      files {\n        path\n        status\n        added\n        removed\n      }\n    }\n  }\n}\n\nquery AgentFileDiff($id: ID!, $path: String!) {\n  agent(id: $id) {\n    id\n    fileDiff(path: $path) {\n      path\n      diff\n      truncated\n    }\n  }\n}\n\nmutation PushAgentBranch($agentId: ID!, $branch: String!, $message: String) {\n  pushAgentBranch(agentId: $agentId, branch: $branch, message: $message) {\n    branch\n    commit\n    remoteMessage\n  }\n}":
    types.AgentChangesDocument,
  "query NextCredential($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    nextCredential(provider: $provider, agentKind: $agentKind) {\n      source\n      provider\n      kind\n      hint\n      refusedAt\n    }\n  }\n}":
    types.NextCredentialDocument,
  "mutation RemoveAgent($id: ID!) {\n  removeAgent(id: $id)\n}": types.RemoveAgentDocument,
  "mutation RenameAgent($id: ID!, $name: String!) {\n  renameAgent(id: $id, name: $name) {\n    id\n    name\n  }\n}":
    types.RenameAgentDocument,
  "mutation SendMessage($agentId: ID!, $text: String!) {\n  sendMessage(agentId: $agentId, text: $text) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}":
    types.SendMessageDocument,
  "mutation SpawnAgent($sessionId: ID!, $kind: AgentKind!, $model: String, $provider: Provider) {\n  spawnAgent(\n    sessionId: $sessionId\n    kind: $kind\n    model: $model\n    provider: $provider\n  ) {\n    id\n    kind\n    provider\n    model\n    status\n    statusReason\n    createdAt\n  }\n}":
    types.SpawnAgentDocument,
  "query Me {\n  me {\n    id\n    email\n    role\n  }\n}": types.MeDocument,
  "mutation SignIn($email: String!, $password: String!) {\n  signIn(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}":
    types.SignInDocument,
  "mutation SignOut {\n  signOut\n}": types.SignOutDocument,
  "mutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}":
    types.SignUpDocument,
  "query Registry {\n  agentKinds {\n    kind\n    label\n    description\n    providers\n    defaultProvider\n    credentialKinds\n    runnable\n    command\n    setup {\n      provider\n      kind\n      instructions\n      steps\n    }\n  }\n  providers {\n    provider\n    label\n    credentialKinds\n    defaultModel\n    models {\n      id\n      name\n    }\n    systemKeyAvailable\n    credentialFormats {\n      kind\n      name\n      inputLabel\n      description\n      prefixes\n      placeholder\n      multiline\n    }\n  }\n}":
    types.RegistryDocument,
  "mutation RemoveSessionKey($sessionId: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  removeSessionKey(sessionId: $sessionId, provider: $provider) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}":
    types.RemoveSessionKeyDocument,
  "query SessionKey($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    name\n    viewerRole\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}":
    types.SessionKeyDocument,
  "query SessionManage($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    viewerRole\n    budgetUsd\n    agents {\n      id\n    }\n    keys {\n      id\n    }\n    members {\n      userId\n      email\n      role\n      since\n    }\n    usage {\n      estimatedCostUsd\n      apiCalls\n    }\n  }\n}\n\nmutation RenameSession($id: ID!, $name: String!) {\n  renameSession(id: $id, name: $name) {\n    id\n    name\n  }\n}\n\nmutation SetSessionBudget($sessionId: ID!, $budgetUsd: Float) {\n  setSessionBudget(sessionId: $sessionId, budgetUsd: $budgetUsd) {\n    id\n    budgetUsd\n  }\n}\n\nmutation AddSessionMember($sessionId: ID!, $email: String!, $role: MemberRole!) {\n  addSessionMember(sessionId: $sessionId, email: $email, role: $role) {\n    id\n    members {\n      userId\n      email\n      role\n      since\n    }\n  }\n}\n\nmutation RemoveSessionMember($sessionId: ID!, $userId: ID!) {\n  removeSessionMember(sessionId: $sessionId, userId: $userId)\n}":
    types.SessionManageDocument,
  "mutation SetSessionKey($sessionId: ID!, $provider: Provider!, $secret: String!, $agentKind: AgentKind!) {\n  setSessionKey(sessionId: $sessionId, provider: $provider, secret: $secret) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}":
    types.SetSessionKeyDocument,
  "mutation CreateSession($input: CreateSessionInput!) {\n  createSession(input: $input) {\n    id\n    name\n  }\n}":
    types.CreateSessionDocument,
  "mutation DeleteSession($id: ID!) {\n  deleteSession(id: $id)\n}": types.DeleteSessionDocument,
  "query Session($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    createdAt\n    viewerRole\n    keys {\n      ...CredentialFields\n    }\n    agents {\n      id\n      kind\n      name\n      provider\n      model\n      status\n      statusReason\n      createdAt\n    }\n    usage {\n      ...UsageTotals\n    }\n  }\n}":
    types.SessionDocument,
  "query Sessions($first: Int!, $after: String, $orderBy: SessionOrder) {\n  sessions(first: $first, after: $after, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        repoUrl\n        createdAt\n        viewerRole\n        agents {\n          id\n        }\n        usage {\n          totalTokens\n          apiCalls\n          estimatedCostUsd\n          unpricedCalls\n        }\n      }\n    }\n  }\n}":
    types.SessionsDocument,
  "fragment ApiTokenFields on ApiToken {\n  id\n  name\n  createdAt\n  lastUsedAt\n}\n\nquery ApiTokens {\n  apiTokens {\n    ...ApiTokenFields\n  }\n}\n\nmutation CreateApiToken($name: String!) {\n  createApiToken(name: $name) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}":
    types.ApiTokenFieldsFragmentDoc,
  "subscription SessionUsage($sessionId: ID!) {\n  sessionUsage(sessionId: $sessionId) {\n    ...UsageTotals\n  }\n}":
    types.SessionUsageDocument,
  "query UsageSeries($id: ID!, $bucket: UsageBucketSize!, $from: DateTime!, $to: DateTime!) {\n  session(id: $id) {\n    id\n    usage {\n      ...UsageTotals\n    }\n    usageSeries(bucket: $bucket, from: $from, to: $to) {\n      start\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      totalTokens\n      apiCalls\n      estimatedCostUsd\n    }\n  }\n}":
    types.UsageSeriesDocument,
  "fragment UsageTotals on UsageStats {\n  inputTokens\n  outputTokens\n  cacheReadTokens\n  cacheWriteTokens\n  reasoningTokens\n  totalTokens\n  apiCalls\n  estimatedCostUsd\n  unpricedCalls\n}":
    types.UsageTotalsFragmentDoc,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query AccountCredentials {\n  accountCredentials {\n    ...CredentialFields\n  }\n}",
): (typeof documents)["query AccountCredentials {\n  accountCredentials {\n    ...CredentialFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "fragment CredentialFields on CredentialInfo {\n  id\n  provider\n  kind\n  hint\n  version\n  createdAt\n  updatedAt\n  lastUsedAt\n  expiresAt\n  refusedAt\n  status\n  refreshable\n  fix\n  secretSetAt\n  rotationDue\n}",
): (typeof documents)["fragment CredentialFields on CredentialInfo {\n  id\n  provider\n  kind\n  hint\n  version\n  createdAt\n  updatedAt\n  lastUsedAt\n  expiresAt\n  refusedAt\n  status\n  refreshable\n  fix\n  secretSetAt\n  rotationDue\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query MyMonthlyBudget {\n  me {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}",
): (typeof documents)["query MyMonthlyBudget {\n  me {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation RemoveAccountCredential($provider: Provider!, $kind: CredentialKind!) {\n  removeAccountCredential(provider: $provider, kind: $kind)\n}",
): (typeof documents)["mutation RemoveAccountCredential($provider: Provider!, $kind: CredentialKind!) {\n  removeAccountCredential(provider: $provider, kind: $kind)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SetAccountCredential($provider: Provider!, $kind: CredentialKind!, $secret: String!) {\n  setAccountCredential(provider: $provider, kind: $kind, secret: $secret) {\n    ...CredentialFields\n  }\n}",
): (typeof documents)["mutation SetAccountCredential($provider: Provider!, $kind: CredentialKind!, $secret: String!) {\n  setAccountCredential(provider: $provider, kind: $kind, secret: $secret) {\n    ...CredentialFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "fragment DeviceSignInFields on DeviceSignIn {\n  id\n  status\n  expiresAt\n  verificationUri\n  verificationUriComplete\n  userCode\n  intervalSeconds\n  message\n  credential {\n    ...CredentialFields\n  }\n}\n\nfragment CodeSignInFields on CodeSignIn {\n  id\n  status\n  expiresAt\n  authorizeUrl\n  message\n}\n\nmutation StartDeviceSignIn($input: StartDeviceSignInInput!) {\n  startDeviceSignIn(input: $input) {\n    ...DeviceSignInFields\n  }\n}\n\nquery DeviceSignIn($id: ID!) {\n  deviceSignIn(id: $id) {\n    ...DeviceSignInFields\n  }\n}\n\nmutation StartCodeSignIn($input: StartCodeSignInInput!) {\n  startCodeSignIn(input: $input) {\n    ...CodeSignInFields\n  }\n}\n\nmutation CompleteCodeSignIn($id: ID!, $code: String!) {\n  completeCodeSignIn(id: $id, code: $code) {\n    ...CredentialFields\n  }\n}\n\nmutation CancelSignIn($id: ID!) {\n  cancelSignIn(id: $id)\n}",
): (typeof documents)["fragment DeviceSignInFields on DeviceSignIn {\n  id\n  status\n  expiresAt\n  verificationUri\n  verificationUriComplete\n  userCode\n  intervalSeconds\n  message\n  credential {\n    ...CredentialFields\n  }\n}\n\nfragment CodeSignInFields on CodeSignIn {\n  id\n  status\n  expiresAt\n  authorizeUrl\n  message\n}\n\nmutation StartDeviceSignIn($input: StartDeviceSignInInput!) {\n  startDeviceSignIn(input: $input) {\n    ...DeviceSignInFields\n  }\n}\n\nquery DeviceSignIn($id: ID!) {\n  deviceSignIn(id: $id) {\n    ...DeviceSignInFields\n  }\n}\n\nmutation StartCodeSignIn($input: StartCodeSignInInput!) {\n  startCodeSignIn(input: $input) {\n    ...CodeSignInFields\n  }\n}\n\nmutation CompleteCodeSignIn($id: ID!, $code: String!) {\n  completeCodeSignIn(id: $id, code: $code) {\n    ...CredentialFields\n  }\n}\n\nmutation CancelSignIn($id: ID!) {\n  cancelSignIn(id: $id)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation VerifyCredential($id: ID!) {\n  verifyCredential(id: $id) {\n    result\n    status\n    message\n    checkedAt\n  }\n}",
): (typeof documents)["mutation VerifyCredential($id: ID!) {\n  verifyCredential(id: $id) {\n    result\n    status\n    message\n    checkedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query AdminCredentials($first: Int!, $after: String) {\n  adminCredentials(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        ownerId\n        ownerEmail\n        sessionId\n        sessionName\n        credential {\n          id\n          provider\n          kind\n          hint\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n}",
): (typeof documents)["query AdminCredentials($first: Int!, $after: String) {\n  adminCredentials(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        ownerId\n        ownerEmail\n        sessionId\n        sessionName\n        credential {\n          id\n          provider\n          kind\n          hint\n          createdAt\n          lastUsedAt\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation AdminDeleteCredential($id: ID!) {\n  adminDeleteCredential(id: $id)\n}",
): (typeof documents)["mutation AdminDeleteCredential($id: ID!) {\n  adminDeleteCredential(id: $id)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation DeleteUser($id: ID!) {\n  deleteUser(id: $id)\n}",
): (typeof documents)["mutation DeleteUser($id: ID!) {\n  deleteUser(id: $id)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n  setUserDisabled(id: $id, disabled: $disabled) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}",
): (typeof documents)["mutation SetUserDisabled($id: ID!, $disabled: Boolean!) {\n  setUserDisabled(id: $id, disabled: $disabled) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SetUserMonthlyBudget($userId: ID!, $budgetUsd: Float) {\n  setUserMonthlyBudget(userId: $userId, budgetUsd: $budgetUsd) {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}",
): (typeof documents)["mutation SetUserMonthlyBudget($userId: ID!, $budgetUsd: Float) {\n  setUserMonthlyBudget(userId: $userId, budgetUsd: $budgetUsd) {\n    id\n    monthlyBudgetUsd\n    spentThisMonthUsd\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SetUserRole($id: ID!, $role: Role!) {\n  setUserRole(id: $id, role: $role) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}",
): (typeof documents)["mutation SetUserRole($id: ID!, $role: Role!) {\n  setUserRole(id: $id, role: $role) {\n    id\n    email\n    role\n    createdAt\n    disabledAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query UserCredentials($userId: ID!) {\n  userCredentials(userId: $userId) {\n    ...CredentialFields\n  }\n}",
): (typeof documents)["query UserCredentials($userId: ID!) {\n  userCredentials(userId: $userId) {\n    ...CredentialFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query Users($first: Int!, $after: String) {\n  users(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        id\n        email\n        role\n        createdAt\n        disabledAt\n        monthlyBudgetUsd\n        spentThisMonthUsd\n      }\n    }\n  }\n}",
): (typeof documents)["query Users($first: Int!, $after: String) {\n  users(first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      node {\n        id\n        email\n        role\n        createdAt\n        disabledAt\n        monthlyBudgetUsd\n        spentThisMonthUsd\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "subscription AgentEvents($agentId: ID!, $afterSeq: Int) {\n  agentEvents(agentId: $agentId, afterSeq: $afterSeq) {\n    seq\n    type\n    agentId\n    messageId\n    at\n    text\n    toolName\n    toolDetail\n    status\n    errorCode\n    message\n    usage {\n      callIndex\n      provider\n      model\n      keySource\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      costUsd\n    }\n  }\n}",
): (typeof documents)["subscription AgentEvents($agentId: ID!, $afterSeq: Int) {\n  agentEvents(agentId: $agentId, afterSeq: $afterSeq) {\n    seq\n    type\n    agentId\n    messageId\n    at\n    text\n    toolName\n    toolDetail\n    status\n    errorCode\n    message\n    usage {\n      callIndex\n      provider\n      model\n      keySource\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      costUsd\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query AgentLogs($id: ID!, $last: Int) {\n  agent(id: $id) {\n    id\n    logs(last: $last) {\n      messageId\n      startedAt\n      endedAt\n      durationMs\n      outcome\n      errorCode\n      errorMessage\n      calls\n      output\n    }\n  }\n}",
): (typeof documents)["query AgentLogs($id: ID!, $last: Int) {\n  agent(id: $id) {\n    id\n    logs(last: $last) {\n      messageId\n      startedAt\n      endedAt\n      durationMs\n      outcome\n      errorCode\n      errorMessage\n      calls\n      output\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query AgentMessages($sessionId: ID!, $last: Int!) {\n  session(id: $sessionId) {\n    id\n    agents {\n      id\n      status\n      statusReason\n      messages(last: $last) {\n        id\n        role\n        text\n        status\n        errorCode\n        errorMessage\n        keySource\n        createdAt\n      }\n    }\n  }\n}",
): (typeof documents)["query AgentMessages($sessionId: ID!, $last: Int!) {\n  session(id: $sessionId) {\n    id\n    agents {\n      id\n      status\n      statusReason\n      messages(last: $last) {\n        id\n        role\n        text\n        status\n        errorCode\n        errorMessage\n        keySource\n        createdAt\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation CancelMessage($id: ID!) {\n  cancelMessage(id: $id) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}",
): (typeof documents)["mutation CancelMessage($id: ID!) {\n  cancelMessage(id: $id) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query AgentChanges($id: ID!) {\n  agent(id: $id) {\n    id\n    changes {\n      baseCommit\n      files {\n        path\n        status\n        added\n        removed\n      }\n    }\n  }\n}\n\nquery AgentFileDiff($id: ID!, $path: String!) {\n  agent(id: $id) {\n    id\n    fileDiff(path: $path) {\n      path\n      diff\n      truncated\n    }\n  }\n}\n\nmutation PushAgentBranch($agentId: ID!, $branch: String!, $message: String) {\n  pushAgentBranch(agentId: $agentId, branch: $branch, message: $message) {\n    branch\n    commit\n    remoteMessage\n  }\n}",
): (typeof documents)["query AgentChanges($id: ID!) {\n  agent(id: $id) {\n    id\n    changes {\n      baseCommit\n      files {\n        path\n        status\n        added\n        removed\n      }\n    }\n  }\n}\n\nquery AgentFileDiff($id: ID!, $path: String!) {\n  agent(id: $id) {\n    id\n    fileDiff(path: $path) {\n      path\n      diff\n      truncated\n    }\n  }\n}\n\nmutation PushAgentBranch($agentId: ID!, $branch: String!, $message: String) {\n  pushAgentBranch(agentId: $agentId, branch: $branch, message: $message) {\n    branch\n    commit\n    remoteMessage\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query NextCredential($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    nextCredential(provider: $provider, agentKind: $agentKind) {\n      source\n      provider\n      kind\n      hint\n      refusedAt\n    }\n  }\n}",
): (typeof documents)["query NextCredential($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    nextCredential(provider: $provider, agentKind: $agentKind) {\n      source\n      provider\n      kind\n      hint\n      refusedAt\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation RemoveAgent($id: ID!) {\n  removeAgent(id: $id)\n}",
): (typeof documents)["mutation RemoveAgent($id: ID!) {\n  removeAgent(id: $id)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation RenameAgent($id: ID!, $name: String!) {\n  renameAgent(id: $id, name: $name) {\n    id\n    name\n  }\n}",
): (typeof documents)["mutation RenameAgent($id: ID!, $name: String!) {\n  renameAgent(id: $id, name: $name) {\n    id\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SendMessage($agentId: ID!, $text: String!) {\n  sendMessage(agentId: $agentId, text: $text) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}",
): (typeof documents)["mutation SendMessage($agentId: ID!, $text: String!) {\n  sendMessage(agentId: $agentId, text: $text) {\n    id\n    role\n    text\n    status\n    errorCode\n    errorMessage\n    keySource\n    createdAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SpawnAgent($sessionId: ID!, $kind: AgentKind!, $model: String, $provider: Provider) {\n  spawnAgent(\n    sessionId: $sessionId\n    kind: $kind\n    model: $model\n    provider: $provider\n  ) {\n    id\n    kind\n    provider\n    model\n    status\n    statusReason\n    createdAt\n  }\n}",
): (typeof documents)["mutation SpawnAgent($sessionId: ID!, $kind: AgentKind!, $model: String, $provider: Provider) {\n  spawnAgent(\n    sessionId: $sessionId\n    kind: $kind\n    model: $model\n    provider: $provider\n  ) {\n    id\n    kind\n    provider\n    model\n    status\n    statusReason\n    createdAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query Me {\n  me {\n    id\n    email\n    role\n  }\n}",
): (typeof documents)["query Me {\n  me {\n    id\n    email\n    role\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SignIn($email: String!, $password: String!) {\n  signIn(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}",
): (typeof documents)["mutation SignIn($email: String!, $password: String!) {\n  signIn(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SignOut {\n  signOut\n}",
): (typeof documents)["mutation SignOut {\n  signOut\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}",
): (typeof documents)["mutation SignUp($email: String!, $password: String!) {\n  signUp(email: $email, password: $password) {\n    token\n    user {\n      id\n      email\n      role\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query Registry {\n  agentKinds {\n    kind\n    label\n    description\n    providers\n    defaultProvider\n    credentialKinds\n    runnable\n    command\n    setup {\n      provider\n      kind\n      instructions\n      steps\n    }\n  }\n  providers {\n    provider\n    label\n    credentialKinds\n    defaultModel\n    models {\n      id\n      name\n    }\n    systemKeyAvailable\n    credentialFormats {\n      kind\n      name\n      inputLabel\n      description\n      prefixes\n      placeholder\n      multiline\n    }\n  }\n}",
): (typeof documents)["query Registry {\n  agentKinds {\n    kind\n    label\n    description\n    providers\n    defaultProvider\n    credentialKinds\n    runnable\n    command\n    setup {\n      provider\n      kind\n      instructions\n      steps\n    }\n  }\n  providers {\n    provider\n    label\n    credentialKinds\n    defaultModel\n    models {\n      id\n      name\n    }\n    systemKeyAvailable\n    credentialFormats {\n      kind\n      name\n      inputLabel\n      description\n      prefixes\n      placeholder\n      multiline\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation RemoveSessionKey($sessionId: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  removeSessionKey(sessionId: $sessionId, provider: $provider) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}",
): (typeof documents)["mutation RemoveSessionKey($sessionId: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  removeSessionKey(sessionId: $sessionId, provider: $provider) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query SessionKey($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    name\n    viewerRole\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}",
): (typeof documents)["query SessionKey($id: ID!, $provider: Provider!, $agentKind: AgentKind!) {\n  session(id: $id) {\n    id\n    name\n    viewerRole\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query SessionManage($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    viewerRole\n    budgetUsd\n    agents {\n      id\n    }\n    keys {\n      id\n    }\n    members {\n      userId\n      email\n      role\n      since\n    }\n    usage {\n      estimatedCostUsd\n      apiCalls\n    }\n  }\n}\n\nmutation RenameSession($id: ID!, $name: String!) {\n  renameSession(id: $id, name: $name) {\n    id\n    name\n  }\n}\n\nmutation SetSessionBudget($sessionId: ID!, $budgetUsd: Float) {\n  setSessionBudget(sessionId: $sessionId, budgetUsd: $budgetUsd) {\n    id\n    budgetUsd\n  }\n}\n\nmutation AddSessionMember($sessionId: ID!, $email: String!, $role: MemberRole!) {\n  addSessionMember(sessionId: $sessionId, email: $email, role: $role) {\n    id\n    members {\n      userId\n      email\n      role\n      since\n    }\n  }\n}\n\nmutation RemoveSessionMember($sessionId: ID!, $userId: ID!) {\n  removeSessionMember(sessionId: $sessionId, userId: $userId)\n}",
): (typeof documents)["query SessionManage($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    viewerRole\n    budgetUsd\n    agents {\n      id\n    }\n    keys {\n      id\n    }\n    members {\n      userId\n      email\n      role\n      since\n    }\n    usage {\n      estimatedCostUsd\n      apiCalls\n    }\n  }\n}\n\nmutation RenameSession($id: ID!, $name: String!) {\n  renameSession(id: $id, name: $name) {\n    id\n    name\n  }\n}\n\nmutation SetSessionBudget($sessionId: ID!, $budgetUsd: Float) {\n  setSessionBudget(sessionId: $sessionId, budgetUsd: $budgetUsd) {\n    id\n    budgetUsd\n  }\n}\n\nmutation AddSessionMember($sessionId: ID!, $email: String!, $role: MemberRole!) {\n  addSessionMember(sessionId: $sessionId, email: $email, role: $role) {\n    id\n    members {\n      userId\n      email\n      role\n      since\n    }\n  }\n}\n\nmutation RemoveSessionMember($sessionId: ID!, $userId: ID!) {\n  removeSessionMember(sessionId: $sessionId, userId: $userId)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation SetSessionKey($sessionId: ID!, $provider: Provider!, $secret: String!, $agentKind: AgentKind!) {\n  setSessionKey(sessionId: $sessionId, provider: $provider, secret: $secret) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}",
): (typeof documents)["mutation SetSessionKey($sessionId: ID!, $provider: Provider!, $secret: String!, $agentKind: AgentKind!) {\n  setSessionKey(sessionId: $sessionId, provider: $provider, secret: $secret) {\n    id\n    keySource(provider: $provider, agentKind: $agentKind)\n    keys {\n      ...CredentialFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation CreateSession($input: CreateSessionInput!) {\n  createSession(input: $input) {\n    id\n    name\n  }\n}",
): (typeof documents)["mutation CreateSession($input: CreateSessionInput!) {\n  createSession(input: $input) {\n    id\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "mutation DeleteSession($id: ID!) {\n  deleteSession(id: $id)\n}",
): (typeof documents)["mutation DeleteSession($id: ID!) {\n  deleteSession(id: $id)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query Session($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    createdAt\n    viewerRole\n    keys {\n      ...CredentialFields\n    }\n    agents {\n      id\n      kind\n      name\n      provider\n      model\n      status\n      statusReason\n      createdAt\n    }\n    usage {\n      ...UsageTotals\n    }\n  }\n}",
): (typeof documents)["query Session($id: ID!) {\n  session(id: $id) {\n    id\n    name\n    repoUrl\n    createdAt\n    viewerRole\n    keys {\n      ...CredentialFields\n    }\n    agents {\n      id\n      kind\n      name\n      provider\n      model\n      status\n      statusReason\n      createdAt\n    }\n    usage {\n      ...UsageTotals\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query Sessions($first: Int!, $after: String, $orderBy: SessionOrder) {\n  sessions(first: $first, after: $after, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        repoUrl\n        createdAt\n        viewerRole\n        agents {\n          id\n        }\n        usage {\n          totalTokens\n          apiCalls\n          estimatedCostUsd\n          unpricedCalls\n        }\n      }\n    }\n  }\n}",
): (typeof documents)["query Sessions($first: Int!, $after: String, $orderBy: SessionOrder) {\n  sessions(first: $first, after: $after, orderBy: $orderBy) {\n    totalCount\n    pageInfo {\n      endCursor\n      hasNextPage\n    }\n    edges {\n      cursor\n      node {\n        id\n        name\n        repoUrl\n        createdAt\n        viewerRole\n        agents {\n          id\n        }\n        usage {\n          totalTokens\n          apiCalls\n          estimatedCostUsd\n          unpricedCalls\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "fragment ApiTokenFields on ApiToken {\n  id\n  name\n  createdAt\n  lastUsedAt\n}\n\nquery ApiTokens {\n  apiTokens {\n    ...ApiTokenFields\n  }\n}\n\nmutation CreateApiToken($name: String!) {\n  createApiToken(name: $name) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}",
): (typeof documents)["fragment ApiTokenFields on ApiToken {\n  id\n  name\n  createdAt\n  lastUsedAt\n}\n\nquery ApiTokens {\n  apiTokens {\n    ...ApiTokenFields\n  }\n}\n\nmutation CreateApiToken($name: String!) {\n  createApiToken(name: $name) {\n    token\n    apiToken {\n      ...ApiTokenFields\n    }\n  }\n}\n\nmutation RevokeApiToken($id: ID!) {\n  revokeApiToken(id: $id)\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "subscription SessionUsage($sessionId: ID!) {\n  sessionUsage(sessionId: $sessionId) {\n    ...UsageTotals\n  }\n}",
): (typeof documents)["subscription SessionUsage($sessionId: ID!) {\n  sessionUsage(sessionId: $sessionId) {\n    ...UsageTotals\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "query UsageSeries($id: ID!, $bucket: UsageBucketSize!, $from: DateTime!, $to: DateTime!) {\n  session(id: $id) {\n    id\n    usage {\n      ...UsageTotals\n    }\n    usageSeries(bucket: $bucket, from: $from, to: $to) {\n      start\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      totalTokens\n      apiCalls\n      estimatedCostUsd\n    }\n  }\n}",
): (typeof documents)["query UsageSeries($id: ID!, $bucket: UsageBucketSize!, $from: DateTime!, $to: DateTime!) {\n  session(id: $id) {\n    id\n    usage {\n      ...UsageTotals\n    }\n    usageSeries(bucket: $bucket, from: $from, to: $to) {\n      start\n      inputTokens\n      outputTokens\n      cacheReadTokens\n      cacheWriteTokens\n      reasoningTokens\n      totalTokens\n      apiCalls\n      estimatedCostUsd\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: "fragment UsageTotals on UsageStats {\n  inputTokens\n  outputTokens\n  cacheReadTokens\n  cacheWriteTokens\n  reasoningTokens\n  totalTokens\n  apiCalls\n  estimatedCostUsd\n  unpricedCalls\n}",
): (typeof documents)["fragment UsageTotals on UsageStats {\n  inputTokens\n  outputTokens\n  cacheReadTokens\n  cacheWriteTokens\n  reasoningTokens\n  totalTokens\n  apiCalls\n  estimatedCostUsd\n  unpricedCalls\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
