import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "./http-util.js";
import { parseFields, type OAuthGrants, type RefreshTokenOptions } from "./oauth.js";

// The sign-in grants of an authorization server, as the platform runs them for a user:
// - RFC 8628's device flow: `POST …/oauth/device/code` (form-encoded client_id, scope) gives a
//   device code and a user code; the token endpoint's
//   `grant_type=urn:ietf:params:oauth:grant-type:device_code` answers, poll after poll, what the
//   test scripted for that user code (authorization_pending, slow_down, access_denied,
//   expired_token, then tokens), errors as `{"error": …}` with status 400.
// - The authorization code grant with PKCE (S256), as Claude's token endpoint takes it (JSON or
//   form-encoded): the test plays the user's browser with `authorizeCode`, which returns the code
//   the callback page would show; each code is single-use and bound to its client, redirect URI
//   and challenge.

export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

/** What the token endpoint answers a device code's next poll. */
export type DeviceOutcome = "pending" | "slow_down" | "denied" | "expired" | "success";

export interface DeviceAuthorizationOptions {
  /** The device code's lifetime (`expires_in`). Default 900. */
  expiresInSeconds?: number;
  /** The polling interval it asks for (`interval`). Default 5. */
  intervalSeconds?: number;
  /** Tokens minted on success (claims, lifetime). Default: ChatGPT-shaped JWTs. */
  tokens?: RefreshTokenOptions;
}

/** One poll of the token endpoint with a device code, as the fake answered it. */
export interface DevicePoll {
  at: Date;
  userCode: string | null;
  /** The device code it carried (tests search for it where it must not be). */
  deviceCode: string | null;
  clientId: string | null;
  /** The error it answered, or `success`. */
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
    oauth.addGrant(DEVICE_CODE_GRANT, (fields, res) => {
      this.deviceGrant(fields, res);
    });
    oauth.addGrant("authorization_code", (fields, res) => {
      this.codeGrant(fields, res);
    });
  }

  setDeviceOptions(options: DeviceAuthorizationOptions): void {
    this.deviceOptions = { ...options };
  }

  /**
   * What the polls of the device code with this user code are answered, in order; the last
   * outcome repeats (a success spends the code: polls after it are invalid_grant). Unscripted
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
      spent: false,
    });
    return code;
  }

  /** `POST …/oauth/device/code`: RFC 8628 3.1/3.2. */
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
    const deviceCode = randomBytes(32).toString("base64url");
    this.devices.set(deviceCode, {
      userCode,
      clientId,
      expiresAt: Date.now() + expiresIn * 1000,
      tokens: this.deviceOptions.tokens ?? OPENAI_TOKENS,
      steps: this.scripts.get(userCode) ?? ["pending"],
      spent: false,
    });
    const verificationUri = `${this.baseUrl()}/device`;
    sendJson(res, 200, {
      device_code: deviceCode,
      user_code: userCode,
      verification_uri: verificationUri,
      verification_uri_complete: `${verificationUri}?user_code=${userCode}`,
      expires_in: expiresIn,
      interval: this.deviceOptions.intervalSeconds ?? DEFAULT_INTERVAL,
    });
  }

  private deviceGrant(fields: Record<string, string>, res: ServerResponse): void {
    const device = this.devices.get(fields["device_code"] ?? "");
    const answer = (outcome: string): void => {
      this.polls.push({
        at: new Date(),
        userCode: device?.userCode ?? null,
        deviceCode: fields["device_code"] ?? null,
        clientId: fields["client_id"] ?? null,
        answer: outcome,
      });
    };
    if (device === undefined || device.spent) {
      answer("invalid_grant");
      oauthError(res, "invalid_grant", "Unknown or already used device code");
      return;
    }
    if (fields["client_id"] !== device.clientId) {
      answer("invalid_client");
      oauthError(res, "invalid_client", "The device code was issued to another client");
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
        answer("authorization_pending");
        oauthError(res, "authorization_pending", "The user has not yet approved the device");
        return;
      case "slow_down":
        answer("slow_down");
        oauthError(res, "slow_down", "Polling too fast: add 5 seconds to the interval");
        return;
      case "denied":
        answer("access_denied");
        oauthError(res, "access_denied", "The user denied the request");
        return;
      case "expired":
        answer("expired_token");
        oauthError(res, "expired_token", "The device code has expired");
        return;
      case "success":
        device.spent = true;
        answer("success");
        sendJson(res, 200, this.oauth.issue(device.tokens, "rt_"));
        return;
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
    sendJson(res, 200, this.oauth.issue(ANTHROPIC_TOKENS, "sk-ant-ort01-", authorization.scope));
  }
}
