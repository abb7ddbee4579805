import {
  AppError,
  OPENAI_DEVICE_SIGN_IN_LIFETIME_MS,
  OPENAI_OAUTH_CLIENT_ID,
  SLOW_DOWN_STEP_SECONDS,
  openaiDeviceAuthEndpoints,
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
import { oauthError, postOAuth, stringField, type SignInEndpoints } from "./oauth-http.js";
import { codexAuthJson, storeSignInCredential } from "./sign-in-credential.js";

// OpenAI's device sign-in as `codex login --device-auth` speaks it (the protocol, with where in
// Codex's source it was read, is in core's sign-in/oauth-clients.ts), run by the worker: `start`
// asks {issuer}/api/accounts/deviceauth/usercode for a device auth id (sealed into the flow at
// once; the api never sees it) and a user code to show with {issuer}/codex/device; then one
// delayed job per poll asks {issuer}/api/accounts/deviceauth/token at the flow's interval until
// the user approves. The approval is an authorization code and the PKCE verifier the server
// minted, exchanged at once at the token endpoint (neither is kept, logged or queued); the tokens
// are stored as the user's subscription.
//
// How answers map onto the flow: 403 and 404 are "not yet" (Codex polls on); a 2xx is the
// approval; no answer or a 5xx: poll on (the expiry bounds it). The rest are this platform's
// choices, Codex's source having no such answers: 429 backs off for good by 5 s (what RFC 8628's
// slow_down asks); another status ends the flow, DENIED if its body's error says access_denied,
// EXPIRED if expired_token, FAILED otherwise (Codex aborts on any of them). The flow expires 15
// minutes after it starts, as Codex's wait does.

/** The interval when the server names none (an earlier Codex's default; RFC 8628's too). */
const DEFAULT_INTERVAL_S = 5;
/** An interval longer than this from a server is taken as this. */
const MAX_INTERVAL_S = 60;

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

/** The usercode answer's `interval`: Codex reads a string of seconds; a number is taken too. */
const intervalField = (body: Record<string, unknown>): number => {
  const raw = body["interval"];
  const seconds =
    typeof raw === "number"
      ? raw
      : typeof raw === "string" && /^\s*\d+\s*$/.test(raw)
        ? Number(raw)
        : NaN;
  return Number.isInteger(seconds) && seconds > 0
    ? Math.min(seconds, MAX_INTERVAL_S)
    : DEFAULT_INTERVAL_S;
};

/** A user code fit to show: short, printable, no markup. */
const USER_CODE = /^[A-Za-z0-9-]{4,32}$/;

export function createDeviceSignIn(deps: DeviceSignInDeps) {
  const { flows, endpoints } = deps;
  const openai = () => openaiDeviceAuthEndpoints(endpoints.openaiIssuer);

  async function start(flowId: string, now = Date.now()): Promise<DeviceSignInStarted> {
    const flow = await flows.get(flowId);
    if (flow?.type !== "device" || flow.phase !== "STARTING") throw gone();
    const { userCodeUrl, verificationUrl } = openai();
    const answer = await postOAuth(
      userCodeUrl,
      { client_id: OPENAI_OAUTH_CLIENT_ID },
      { json: true, plain: true, timeoutMs: endpoints.timeoutMs },
    );
    if (answer.kind === "unreachable" || answer.status >= 500) {
      throw new AppError(
        "UNAVAILABLE",
        "OpenAI's sign-in server did not answer; try again shortly",
      );
    }
    const deviceAuthId = stringField(answer.body, "device_auth_id");
    const userCode = stringField(answer.body, "user_code") ?? stringField(answer.body, "usercode");
    if (
      answer.status < 200 ||
      answer.status >= 300 ||
      deviceAuthId === undefined ||
      userCode === undefined ||
      !USER_CODE.test(userCode)
    ) {
      throw new AppError(
        "AUTHENTICATION_FAILED",
        answer.status === 404
          ? "OpenAI's sign-in server does not offer device sign-in here (404); save Codex's auth.json instead"
          : `OpenAI's sign-in server would not start a device sign-in (${oauthError(answer.body) ?? `status ${answer.status}`})`,
        { reason: "device_authorization_refused" },
      );
    }
    const intervalSeconds = intervalField(answer.body);
    const started = await flows.transition(flow, {
      from: ["STARTING"],
      to: "PENDING",
      patch: {
        userCode,
        verificationUri: verificationUrl,
        verificationUriComplete: null,
        intervalSeconds,
        expiresAt: now + OPENAI_DEVICE_SIGN_IN_LIFETIME_MS,
        deviceCode: sealedToJson(
          deps.vault.seal(signInSecretIdentity(flow, "device_code"), deviceAuthId),
        ),
      },
    });
    if (started === null) throw gone();
    await deps.schedulePoll({ flowId, poll: 1 }, intervalSeconds * 1000);
    deps.logger.info({ flowId, userId: flow.userId }, "device sign-in started");
    return {
      userCode,
      verificationUri: verificationUrl,
      verificationUriComplete: null,
      expiresAt: started.expiresAt,
      intervalSeconds,
    };
  }

  /** Ends the flow (from PENDING) with its device auth id dropped. */
  const end = (flow: SignInFlow, to: "DENIED" | "EXPIRED" | "FAILED", message: string) =>
    flows.transition(flow, { from: ["PENDING"], to, patch: { deviceCode: null, message } });

  async function poll(job: SignInPollJob, now = Date.now()): Promise<void> {
    const flow = await flows.get(job.flowId);
    // Cancelled, ended, or gone: nothing more to ask.
    if (
      flow?.type !== "device" ||
      flow.phase !== "PENDING" ||
      flow.deviceCode === null ||
      flow.userCode === null
    )
      return;
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
    const deviceAuthId = deps.vault.open(
      signInSecretIdentity(flow, "device_code"),
      sealedFromJson(flow.deviceCode),
    );
    const answer = await postOAuth(
      openai().pollUrl,
      { device_auth_id: deviceAuthId, user_code: flow.userCode },
      { json: true, plain: true, timeoutMs: endpoints.timeoutMs },
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
    if (answer.status === 403 || answer.status === 404) {
      await next(interval);
      return;
    }
    if (answer.status === 429) {
      const slower = Math.min(interval + SLOW_DOWN_STEP_SECONDS, MAX_INTERVAL_S);
      await flows.transition(flow, {
        from: ["PENDING"],
        to: "PENDING",
        patch: { intervalSeconds: slower },
      });
      log.info({ intervalSeconds: slower }, "device sign-in slowed down");
      await next(slower);
      return;
    }
    if (answer.status >= 200 && answer.status < 300) {
      const code = stringField(answer.body, "authorization_code");
      const verifier = stringField(answer.body, "code_verifier");
      if (code === undefined || verifier === undefined) {
        await end(
          flow,
          "FAILED",
          "OpenAI's sign-in server approved the sign-in without an authorization code; start it again",
        );
        log.warn("device sign-in approved without an authorization code");
        return;
      }
      await complete(flow, { code, verifier }, log);
      return;
    }
    const error = oauthError(answer.body);
    switch (error) {
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
          `OpenAI's sign-in server refused the device sign-in (${error ?? `status ${answer.status}`})`,
        );
        log.warn({ error: error ?? null, status: answer.status }, "device sign-in refused");
    }
  }

  /**
   * Approved: the authorization code and verifier are exchanged for tokens at once (they are kept
   * nowhere), and the tokens become the user's (or the session's) subscription, unless the flow
   * was cancelled meanwhile.
   */
  async function complete(
    flow: SignInFlow,
    grant: { readonly code: string; readonly verifier: string },
    log: Logger,
  ): Promise<void> {
    const claimed = await flows.transition(flow, { from: ["PENDING"], to: "EXCHANGING" });
    if (claimed === null) {
      log.info("device sign-in ended while it was approved; nothing exchanged or stored");
      return;
    }
    const fail = async (message: string): Promise<void> => {
      await flows.transition(flow, {
        from: ["EXCHANGING"],
        to: "FAILED",
        patch: { deviceCode: null, message },
      });
    };
    const exchanged = await postOAuth(
      endpoints.openaiTokenUrl,
      {
        grant_type: "authorization_code",
        code: grant.code,
        redirect_uri: openai().redirectUri,
        client_id: OPENAI_OAUTH_CLIENT_ID,
        code_verifier: grant.verifier,
      },
      { plain: true, timeoutMs: endpoints.timeoutMs },
    );
    if (exchanged.kind === "unreachable" || exchanged.status < 200 || exchanged.status >= 300) {
      // The authorization code is handed out once; without tokens for it the sign-in starts over.
      const why =
        exchanged.kind === "unreachable"
          ? "no answer"
          : (oauthError(exchanged.body) ?? `status ${exchanged.status}`);
      await fail(
        `OpenAI's sign-in server did not exchange the approved sign-in for tokens (${why}); start it again`,
      );
      log.warn({ reason: why }, "device sign-in code exchange failed");
      return;
    }
    try {
      const credentialId = await storeSignInCredential(deps, flow, codexAuthJson(exchanged.body));
      await flows.transition(flow, {
        from: ["EXCHANGING"],
        to: "SUCCEEDED",
        patch: { credentialId, deviceCode: null, message: null },
      });
      log.info({ credentialId }, "device sign-in succeeded; credential stored");
    } catch (error) {
      await fail(error instanceof AppError ? error.message : "The credential could not be stored");
      if (!(error instanceof AppError)) throw error;
      log.warn({ code: error.code }, "device sign-in tokens not stored");
    }
  }

  return { start, poll };
}

export type DeviceSignIn = ReturnType<typeof createDeviceSignIn>;
