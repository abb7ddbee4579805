import {
  AppError,
  DEVICE_CODE_GRANT,
  OPENAI_OAUTH_CLIENT_ID,
  OPENAI_OAUTH_SCOPE,
  SLOW_DOWN_STEP_SECONDS,
  sealedFromJson,
  sealedToJson,
  signInSecretIdentity,
  type Logger,
  type SignInFlow,
  type SignInPollJob,
  type SignInStore,
} from "@agentry/core";
import type { Vault } from "@agentry/core/secrets";
import type { PrismaClient } from "@agentry/prisma";
import {
  countField,
  oauthError,
  postOAuth,
  stringField,
  type SignInEndpoints,
} from "./oauth-http.js";
import { codexAuthJson, storeSignInCredential } from "./sign-in-credential.js";

// OpenAI's device-code flow (RFC 8628), run by the worker: `start` asks the device
// authorization endpoint for a device code (sealed into the flow at once; the api never sees
// it) and a user code to show; then one delayed job per poll asks the token endpoint at the
// flow's interval until the user approves (the tokens are stored as their subscription),
// denies, lets the code expire, or cancels.

/** Longest device code lifetime taken from a server (its flow's record lives as long). */
const MAX_DEVICE_LIFETIME_S = 30 * 60;
/** RFC 8628 3.2: without `interval`, 5 seconds. */
const DEFAULT_INTERVAL_S = 5;

export interface DeviceSignInDeps {
  readonly prisma: PrismaClient;
  readonly vault: Vault;
  readonly flows: SignInStore;
  readonly endpoints: SignInEndpoints;
  /** Adds the next poll as a delayed job. */
  readonly schedulePoll: (job: SignInPollJob, delayMs: number) => Promise<void>;
  readonly logger: Logger;
}

export interface DeviceSignInStarted {
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string | null;
  readonly expiresAt: number;
  readonly intervalSeconds: number;
}

const gone = (): AppError => new AppError("NOT_FOUND", "The sign-in is gone");

/** An http(s) URL the user may be sent to, or undefined (a server's answer is not trusted blindly). */
const webUrl = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
};

export function createDeviceSignIn(deps: DeviceSignInDeps) {
  const { flows, endpoints } = deps;

  async function start(flowId: string, now = Date.now()): Promise<DeviceSignInStarted> {
    const flow = await flows.get(flowId);
    if (flow?.type !== "device" || flow.phase !== "STARTING") throw gone();
    const deviceCodeUrl = endpoints.openaiDeviceCodeUrl;
    if (deviceCodeUrl === undefined) {
      throw new AppError(
        "FORBIDDEN",
        "This server does not offer OpenAI's device sign-in (OPENAI_OAUTH_DEVICE_CODE_URL is not set); save Codex's auth.json instead",
        { reason: "sign_in_not_configured" },
      );
    }
    const answer = await postOAuth(
      deviceCodeUrl,
      { client_id: OPENAI_OAUTH_CLIENT_ID, scope: OPENAI_OAUTH_SCOPE },
      { timeoutMs: endpoints.timeoutMs },
    );
    if (answer.kind === "unreachable" || answer.status >= 500) {
      throw new AppError(
        "UNAVAILABLE",
        "OpenAI's sign-in server did not answer; try again shortly",
      );
    }
    const deviceCode = stringField(answer.body, "device_code");
    const userCode = stringField(answer.body, "user_code");
    const verificationUri = webUrl(stringField(answer.body, "verification_uri"));
    if (
      answer.status !== 200 ||
      deviceCode === undefined ||
      userCode === undefined ||
      verificationUri === undefined
    ) {
      throw new AppError(
        "AUTHENTICATION_FAILED",
        `OpenAI's sign-in server would not start a device sign-in (${oauthError(answer.body) ?? `status ${answer.status}`})`,
        { reason: "device_authorization_refused" },
      );
    }
    const lifetime = Math.min(countField(answer.body, "expires_in") ?? 900, MAX_DEVICE_LIFETIME_S);
    const intervalSeconds = countField(answer.body, "interval") ?? DEFAULT_INTERVAL_S;
    const started = await flows.transition(flow, {
      from: ["STARTING"],
      to: "PENDING",
      patch: {
        userCode,
        verificationUri,
        verificationUriComplete:
          webUrl(stringField(answer.body, "verification_uri_complete")) ?? null,
        intervalSeconds,
        expiresAt: now + lifetime * 1000,
        deviceCode: sealedToJson(
          deps.vault.seal(signInSecretIdentity(flow, "device_code"), deviceCode),
        ),
      },
    });
    if (started === null) throw gone();
    await deps.schedulePoll({ flowId, poll: 1 }, intervalSeconds * 1000);
    deps.logger.info({ flowId, userId: flow.userId }, "device sign-in started");
    return {
      userCode,
      verificationUri,
      verificationUriComplete: started.verificationUriComplete,
      expiresAt: started.expiresAt,
      intervalSeconds,
    };
  }

  /** Ends the flow (from PENDING) with its device code dropped. */
  const end = (flow: SignInFlow, to: "DENIED" | "EXPIRED" | "FAILED", message: string) =>
    flows.transition(flow, { from: ["PENDING"], to, patch: { deviceCode: null, message } });

  async function poll(job: SignInPollJob, now = Date.now()): Promise<void> {
    const flow = await flows.get(job.flowId);
    // Cancelled, ended, or gone: nothing more to ask.
    if (flow?.type !== "device" || flow.phase !== "PENDING" || flow.deviceCode === null) return;
    const log = deps.logger.child({ flowId: flow.id, userId: flow.userId });
    if (now >= flow.expiresAt) {
      await end(flow, "EXPIRED", "The code expired before the sign-in was approved");
      log.info("device sign-in expired");
      return;
    }
    const interval = flow.intervalSeconds ?? DEFAULT_INTERVAL_S;
    const next = async (seconds: number): Promise<void> => {
      // Never later than the expiry, so an abandoned flow reads EXPIRED on time.
      const delay = Math.min(seconds * 1000, Math.max(0, flow.expiresAt - Date.now()));
      await deps.schedulePoll({ flowId: flow.id, poll: job.poll + 1 }, delay);
    };
    const deviceCode = deps.vault.open(
      signInSecretIdentity(flow, "device_code"),
      sealedFromJson(flow.deviceCode),
    );
    const answer = await postOAuth(
      endpoints.openaiTokenUrl,
      { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: OPENAI_OAUTH_CLIENT_ID },
      { timeoutMs: endpoints.timeoutMs },
    );
    if (answer.kind === "unreachable" || answer.status >= 500) {
      // The server may be back at the next poll; the flow's expiry bounds the retries.
      log.warn(
        { reason: answer.kind === "unreachable" ? answer.reason : `status ${answer.status}` },
        "device sign-in poll got no answer; polling on",
      );
      await next(interval);
      return;
    }
    if (answer.status === 200 && stringField(answer.body, "access_token") !== undefined) {
      await complete(flow, answer.body, log);
      return;
    }
    const error = oauthError(answer.body);
    switch (error) {
      case "authorization_pending":
        await next(interval);
        return;
      case "slow_down": {
        const slower = interval + SLOW_DOWN_STEP_SECONDS;
        await flows.transition(flow, {
          from: ["PENDING"],
          to: "PENDING",
          patch: { intervalSeconds: slower },
        });
        log.info({ intervalSeconds: slower }, "device sign-in slowed down");
        await next(slower);
        return;
      }
      case "access_denied":
        await end(flow, "DENIED", "The sign-in was denied at OpenAI");
        log.info("device sign-in denied");
        return;
      case "expired_token":
        await end(flow, "EXPIRED", "The code expired before the sign-in was approved");
        log.info("device sign-in expired");
        return;
      default:
        await end(
          flow,
          "FAILED",
          `OpenAI's sign-in server refused the device code (${error ?? `status ${answer.status}`})`,
        );
        log.warn({ error: error ?? null, status: answer.status }, "device sign-in refused");
    }
  }

  /** Approved: the tokens become the user's (or the session's) subscription, unless the flow was cancelled meanwhile. */
  async function complete(
    flow: SignInFlow,
    tokens: Record<string, unknown>,
    log: Logger,
  ): Promise<void> {
    const claimed = await flows.transition(flow, { from: ["PENDING"], to: "EXCHANGING" });
    if (claimed === null) {
      log.info("device sign-in ended while its tokens came in; nothing stored");
      return;
    }
    try {
      const credentialId = await storeSignInCredential(deps, flow, codexAuthJson(tokens));
      await flows.transition(flow, {
        from: ["EXCHANGING"],
        to: "SUCCEEDED",
        patch: { credentialId, deviceCode: null, message: null },
      });
      log.info({ credentialId }, "device sign-in succeeded; credential stored");
    } catch (error) {
      const message =
        error instanceof AppError ? error.message : "The credential could not be stored";
      await flows.transition(flow, {
        from: ["EXCHANGING"],
        to: "FAILED",
        patch: { deviceCode: null, message },
      });
      if (!(error instanceof AppError)) throw error;
      log.warn({ code: error.code }, "device sign-in tokens not stored");
    }
  }

  return { start, poll };
}

export type DeviceSignIn = ReturnType<typeof createDeviceSignIn>;
