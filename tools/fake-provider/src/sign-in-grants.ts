import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "./http-util.js";
import { parseFields, type OAuthGrants, type RefreshTokenOptions } from "./oauth.js";

// The sign-in grants of an authorization server, as the platform runs them for a user:
// - OpenAI's device sign-in as `codex login --device-auth` speaks it (openai/codex,
//   codex-rs/login/src/device_code_auth.rs; core's sign-in/oauth-clients.ts has the protocol):
//   `POST /api/accounts/deviceauth/usercode` (JSON client_id) gives a device auth id, a user code
//   and an interval (a string, as Codex reads it); `POST /api/accounts/deviceauth/token` (JSON
//   device_auth_id, user_code) answers, poll after poll, what the test scripted for that user
//   code: 404 while pending (Codex polls on at 403 and 404), then the authorization code with the
//   PKCE pair the server minted, exchanged at the token endpoint as an authorization_code grant
//   with redirect_uri {issuer}/deviceauth/callback. Codex's source shows no answer for a slowed,
//   denied or expired poll (it aborts on any other status): the fake answers 429 for slow_down,
//   and 400 with RFC 8628's `access_denied` / `expired_token` (also past the code's lifetime).
// - The authorization code grant with PKCE (S256), as Claude's token endpoint takes it (JSON or
//   form-encoded): the test plays the user's browser with `authorizeCode`, which returns the code
//   the callback page would show; each code is single-use and bound to its client, redirect URI
//   and challenge.

/** Where OpenAI's device sign-in lives under its issuer (Codex builds these from the issuer). */
export const DEVICE_USERCODE_PATH = "/api/accounts/deviceauth/usercode";
export const DEVICE_TOKEN_PATH = "/api/accounts/deviceauth/token";
export const DEVICE_CALLBACK_PATH = "/deviceauth/callback";

/** What a device sign-in's next poll is answered. */
export type DeviceOutcome = "pending" | "slow_down" | "denied" | "expired" | "success";

export interface DeviceAuthorizationOptions {
  /** How long a user code may be polled before it answers expired. Default 900. */
  expiresInSeconds?: number;
  /** The polling interval it asks for (`interval`). Default 5. */
  intervalSeconds?: number;
  /** Tokens minted by the exchange after a success (claims, lifetime). Default: ChatGPT-shaped JWTs. */
  tokens?: RefreshTokenOptions;
}

/** One poll of the device sign-in, as the fake answered it. */
export interface DevicePoll {
  at: Date;
  /** The user code of the device sign-in it named, or null when it named none the fake knows. */
  userCode: string | null;
  /** The device auth id it carried (tests search for it where it must not be). */
  deviceCode: string | null;
  /** The client the device sign-in was started by, or null. */
  clientId: string | null;
  /** The HTTP status it answered. */
  status: number;
  /**
   * What it answered: `authorization_pending`, `slow_down`, `access_denied`, `expired_token`,
   * `success`, or `invalid_grant` (an unknown or spent device auth id, or another user code).
   */
  answer: string;
}

/** What the user's browser sends to the authorize URL (the fake needs no page). */
export interface CodeAuthorization {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  /** Shown back with the code (`code#state`). */
  state: string;
  scope?: string;
}

/** One authorization_code grant request, as the fake answered it. */
export interface CodeExchange {
  at: Date;
  status: number;
  /** The code and PKCE verifier it carried (tests search for them where they must not be). */
  code: string | null;
  codeVerifier: string | null;
  /** The error it answered, or `success`. */
  answer: string;
}

interface DeviceCode {
  readonly userCode: string;
  readonly clientId: string;
  readonly expiresAt: number;
  readonly tokens: RefreshTokenOptions;
  steps: DeviceOutcome[];
  spent: boolean;
}

interface IssuedCode {
  readonly authorization: CodeAuthorization;
  readonly expiresAt: number;
  /** What its exchange mints: Claude's tokens, or a device sign-in's OpenAI ones. */
  readonly tokens: RefreshTokenOptions;
  readonly refreshPrefix: string;
  spent: boolean;
}

const DEFAULT_DEVICE_EXPIRES_IN = 900;
const DEFAULT_INTERVAL = 5;
const CODE_LIFETIME_MS = 10 * 60_000;
const BODY_LIMIT = 64 * 1024;
const OPENAI_TOKENS: RefreshTokenOptions = {
  claims: { "https://api.openai.com/auth": { chatgpt_account_id: "acct-fake" } },
};
const ANTHROPIC_TOKENS: RefreshTokenOptions = { accessTokenPrefix: "sk-ant-oat01-" };

const oauthError = (res: ServerResponse, error: string, description: string): void => {
  sendJson(res, 400, { error, error_description: description });
};

/** A user code as the real ones look: 4+4 letters and digits, easy to type. */
const newUserCode = (): string => {
  const alphabet = "BCDFGHJKLMNPQRSTVWXZ23456789";
  const bytes = randomBytes(8);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length] ?? "B");
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
};

export class SignInGrants {
  private readonly devices = new Map<string, DeviceCode>();
  private readonly scripts = new Map<string, DeviceOutcome[]>();
  private readonly codes = new Map<string, IssuedCode>();
  private readonly polls: DevicePoll[] = [];
  private readonly exchanges: CodeExchange[] = [];
  private deviceOptions: DeviceAuthorizationOptions = {};

  constructor(
    private readonly oauth: OAuthGrants,
    private readonly baseUrl: () => string,
  ) {
    oauth.addGrant("authorization_code", (fields, res) => {
      this.codeGrant(fields, res);
    });
  }

  setDeviceOptions(options: DeviceAuthorizationOptions): void {
    this.deviceOptions = { ...options };
  }

  /**
   * What the polls of the device code with this user code are answered, in order; the last
   * outcome repeats (a success spends the device auth id: polls after it are 404). Unscripted
   * codes stay pending.
   */
  scriptDevice(userCode: string, outcomes: readonly DeviceOutcome[]): void {
    const device = [...this.devices.values()].find((entry) => entry.userCode === userCode);
    if (device === undefined) this.scripts.set(userCode, [...outcomes]);
    else device.steps = [...outcomes];
  }

  devicePolls(): DevicePoll[] {
    return this.polls.map((poll) => ({ ...poll }));
  }

  codeExchanges(): CodeExchange[] {
    return this.exchanges.map((exchange) => ({ ...exchange }));
  }

  /** The user approves in their browser: the code the callback page shows them. */
  authorizeCode(authorization: CodeAuthorization): string {
    const code = randomBytes(24).toString("base64url");
    this.codes.set(code, {
      authorization: { ...authorization },
      expiresAt: Date.now() + CODE_LIFETIME_MS,
      tokens: ANTHROPIC_TOKENS,
      refreshPrefix: "sk-ant-ort01-",
      spent: false,
    });
    return code;
  }

  /** `POST /api/accounts/deviceauth/usercode`: JSON {client_id} → device auth id, user code, interval. */
  async deviceAuthorization(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, BODY_LIMIT);
    const fields = body.ok ? parseFields(body.body, req.headers["content-type"]) : undefined;
    const clientId = fields?.["client_id"];
    if (clientId === undefined || clientId === "") {
      oauthError(res, "invalid_client", "client_id is required");
      return;
    }
    const expiresIn = this.deviceOptions.expiresInSeconds ?? DEFAULT_DEVICE_EXPIRES_IN;
    const userCode = newUserCode();
    const deviceAuthId = `deviceauth_${randomBytes(24).toString("base64url")}`;
    this.devices.set(deviceAuthId, {
      userCode,
      clientId,
      expiresAt: Date.now() + expiresIn * 1000,
      tokens: this.deviceOptions.tokens ?? OPENAI_TOKENS,
      steps: this.scripts.get(userCode) ?? ["pending"],
      spent: false,
    });
    sendJson(res, 200, {
      device_auth_id: deviceAuthId,
      user_code: userCode,
      // Codex parses it from a string.
      interval: String(this.deviceOptions.intervalSeconds ?? DEFAULT_INTERVAL),
    });
  }

  /** `POST /api/accounts/deviceauth/token`: JSON {device_auth_id, user_code}, answered as scripted. */
  async devicePoll(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, BODY_LIMIT);
    const fields =
      (body.ok ? parseFields(body.body, req.headers["content-type"]) : undefined) ?? {};
    const deviceAuthId = fields["device_auth_id"] ?? null;
    const device = this.devices.get(deviceAuthId ?? "");
    const known = device !== undefined && fields["user_code"] === device.userCode;
    const answer = (status: number, outcome: string, payload: unknown): void => {
      this.polls.push({
        at: new Date(),
        userCode: known ? device.userCode : null,
        deviceCode: deviceAuthId,
        clientId: known ? device.clientId : null,
        status,
        answer: outcome,
      });
      sendJson(res, status, payload);
    };
    if (!known || device.spent) {
      answer(404, "invalid_grant", { error: "not_found" });
      return;
    }
    const outcome =
      Date.now() >= device.expiresAt
        ? "expired"
        : device.steps.length > 1
          ? (device.steps.shift() ?? "pending")
          : (device.steps[0] ?? "pending");
    switch (outcome) {
      case "pending":
        answer(404, "authorization_pending", { error: "authorization_pending" });
        return;
      case "slow_down":
        answer(429, "slow_down", { error: "slow_down" });
        return;
      case "denied":
        answer(400, "access_denied", {
          error: "access_denied",
          error_description: "The user denied the request",
        });
        return;
      case "expired":
        answer(400, "expired_token", {
          error: "expired_token",
          error_description: "The device code has expired",
        });
        return;
      case "success": {
        device.spent = true;
        // The server mints the PKCE pair and binds the code to its challenge.
        const verifier = randomBytes(48).toString("base64url");
        const challenge = createHash("sha256").update(verifier).digest("base64url");
        const code = `ac_${randomBytes(24).toString("base64url")}`;
        this.codes.set(code, {
          authorization: {
            clientId: device.clientId,
            redirectUri: `${this.baseUrl()}${DEVICE_CALLBACK_PATH}`,
            codeChallenge: challenge,
            codeChallengeMethod: "S256",
            state: "",
          },
          expiresAt: Date.now() + CODE_LIFETIME_MS,
          tokens: device.tokens,
          refreshPrefix: "rt_",
          spent: false,
        });
        answer(200, "success", {
          authorization_code: code,
          code_challenge: challenge,
          code_verifier: verifier,
        });
        return;
      }
    }
  }

  private codeGrant(fields: Record<string, string>, res: ServerResponse): void {
    const carried = { code: fields["code"] ?? null, codeVerifier: fields["code_verifier"] ?? null };
    const refuse = (status: number, error: string, description: string): void => {
      this.exchanges.push({ at: new Date(), status, answer: error, ...carried });
      sendJson(res, status, { error, error_description: description });
    };
    const issued = this.codes.get(fields["code"] ?? "");
    if (issued === undefined || issued.spent || Date.now() >= issued.expiresAt) {
      refuse(400, "invalid_grant", "Invalid, expired or already used authorization code");
      return;
    }
    const { authorization } = issued;
    if (fields["client_id"] !== authorization.clientId) {
      refuse(401, "invalid_client", "The code was issued to another client");
      return;
    }
    if (fields["redirect_uri"] !== authorization.redirectUri) {
      refuse(400, "invalid_grant", "redirect_uri does not match the authorization request");
      return;
    }
    // Claude's token endpoint also takes the state the callback page showed.
    if (fields["state"] !== undefined && fields["state"] !== authorization.state) {
      refuse(400, "invalid_grant", "state does not match the authorization request");
      return;
    }
    const verifier = fields["code_verifier"] ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (authorization.codeChallengeMethod !== "S256" || challenge !== authorization.codeChallenge) {
      refuse(400, "invalid_grant", "code_verifier does not match the code challenge");
      return;
    }
    // Spent by the first exchange that gets this far, whatever follows.
    issued.spent = true;
    this.exchanges.push({ at: new Date(), status: 200, answer: "success", ...carried });
    sendJson(res, 200, this.oauth.issue(issued.tokens, issued.refreshPrefix, authorization.scope));
  }
}
