export * from "./types.js";
export * from "./fake-provider.js";
export { fakeJwt, type RefreshTokenOptions, type TokenRefresh } from "./oauth.js";
export {
  DEVICE_CALLBACK_PATH,
  DEVICE_TOKEN_PATH,
  DEVICE_USERCODE_PATH,
  type CodeAuthorization,
  type CodeExchange,
  type DeviceAuthorizationOptions,
  type DeviceOutcome,
  type DevicePoll,
} from "./sign-in-grants.js";
export { CONTROL_PREFIX, type FakeControls } from "./control.js";
export {
  startTlsProxy,
  type ProxiedRequest,
  type TlsProxy,
  type TlsProxyOptions,
} from "./tls-proxy.js";
export { ANTHROPIC_OAUTH_BETA } from "./providers/anthropic.js";
export { COPILOT_API_PATH, copilotNanoAiu } from "./providers/copilot.js";
export {
  computeUsage,
  countWords,
  echoReply,
  maskKey,
  reportsReasoning,
  splitIntoChunks,
  type UsageInput,
} from "./reply.js";
