import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { asRecord, parseJson, readBody, sendJson } from "./http-util.js";

// `POST …/oauth/token` with `grant_type=refresh_token`, as the subscription CLIs refresh their
// sign-in (Codex at auth.openai.com, redirected with CODEX_REFRESH_TOKEN_URL_OVERRIDE). Refresh
// tokens are single-use, like the real ones: each refresh mints a new access token (accepted as
// a key from then on) and a new refresh token, and the old refresh token is refused from then on.

/** How the tokens minted for a refresh token (and for the ones rotated from it) look. */
export interface RefreshTokenOptions {
  /** Claims added to the minted access and ID tokens (JWTs), e.g. ChatGPT's account id. */
  claims?: Record<string, unknown>;
  /** Mint access tokens as `<prefix><random>` instead of JWTs (e.g. `sk-ant-oat01-`); no ID token then. */
  accessTokenPrefix?: string;
  /** Lifetime of minted access tokens (their `exp` and `expires_in`), in seconds. Default 3600. */
  expiresInSeconds?: number;
}

/** Another grant the token endpoint serves (sign-in-grants.ts): its fields in, its answer out. */
export type GrantHandler = (fields: Record<string, string>, res: ServerResponse) => void;

/** A token endpoint's success body (RFC 6749 5.1), as minted by `OAuthGrants.issue`. */
export interface IssuedTokens {
  access_token: string;
  refresh_token: string;
  id_token?: string;
  token_type: "Bearer";
  expires_in: number;
  scope?: string;
}

/** One request to the token endpoint, as the fake answered it. */
export interface TokenRefresh {
  at: Date;
  /** The refresh token it carried (`null`: none). */
  refreshToken: string | null;
  clientId: string | null;
  status: number;
  /** What it minted (`null` when refused). */
  accessToken: string | null;
  newRefreshToken: string | null;
}

const DEFAULT_EXPIRES_IN = 3600;
const TOKEN_BODY_LIMIT = 64 * 1024;

const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned-looking JWT: the CLIs read its claims (`exp`), they do not verify it. */
export const fakeJwt = (claims: Record<string, unknown>): string =>
  `${base64url({ alg: "RS256", typ: "JWT", kid: "fake" })}.${base64url(claims)}.${randomBytes(32).toString("base64url")}`;

/** Everything up to the last `-` or `_` (`sk-ant-ort01-`, `rt_`), so rotated tokens keep their shape. */
const prefixOf = (token: string): string => /^(.*[-_])/.exec(token)?.[1] ?? "";

export class OAuthGrants {
  private readonly live = new Map<string, RefreshTokenOptions>();
  private readonly used = new Set<string>();
  private readonly log: TokenRefresh[] = [];
  private readonly otherGrants = new Map<string, GrantHandler>();

  constructor(private readonly acceptKey: (key: string) => void) {}

  /** Serves another grant type at the token endpoint. */
  addGrant(grantType: string, handler: GrantHandler): void {
    this.otherGrants.set(grantType, handler);
  }

  /**
   * Mints tokens as a successful grant does: the access token is accepted as a key from then on
   * and the refresh token (`refreshPrefix` + random) can be refreshed like one added with
   * addRefreshToken.
   */
  issue(options: RefreshTokenOptions, refreshPrefix: string, scope?: string): IssuedTokens {
    const expiresIn = options.expiresInSeconds ?? DEFAULT_EXPIRES_IN;
    const now = Math.floor(Date.now() / 1000);
    const jwtClaims = { iat: now, exp: now + expiresIn, ...options.claims };
    const accessToken =
      options.accessTokenPrefix === undefined
        ? fakeJwt({ ...jwtClaims, jti: randomBytes(8).toString("hex") })
        : `${options.accessTokenPrefix}${randomBytes(24).toString("base64url")}`;
    const refreshToken = `${refreshPrefix}${randomBytes(24).toString("base64url")}`;
    this.live.set(refreshToken, { ...options });
    this.acceptKey(accessToken);
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      ...(options.accessTokenPrefix === undefined ? { id_token: fakeJwt(jwtClaims) } : {}),
      token_type: "Bearer",
      expires_in: expiresIn,
      ...(scope === undefined ? {} : { scope }),
    };
  }

  addRefreshToken(token: string, options: RefreshTokenOptions = {}): void {
    this.used.delete(token);
    this.live.set(token, { ...options });
  }

  refreshes(): TokenRefresh[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, TOKEN_BODY_LIMIT);
    const fields = body.ok ? parseFields(body.body, req.headers["content-type"]) : undefined;
    const refreshToken = fields?.["refresh_token"] ?? null;
    const clientId = fields?.["client_id"] ?? null;
    const refuse = (status: number, answer: unknown): void => {
      this.log.push({
        at: new Date(),
        refreshToken,
        clientId,
        status,
        accessToken: null,
        newRefreshToken: null,
      });
      sendJson(res, status, answer);
    };

    const other = this.otherGrants.get(fields?.["grant_type"] ?? "");
    if (fields !== undefined && other !== undefined) {
      other(fields, res);
      return;
    }
    if (fields?.["grant_type"] !== "refresh_token") {
      refuse(400, {
        error: "unsupported_grant_type",
        error_description: `Only grant_type=${["refresh_token", ...this.otherGrants.keys()].join(", ")} are supported by the fake provider`,
      });
      return;
    }
    if (refreshToken !== null && this.used.has(refreshToken)) {
      // OpenAI's answer to a refresh token used twice; Codex reads `error.code`.
      refuse(401, {
        error: {
          message:
            "Your refresh token has already been used to generate a new access token. Please try signing in again.",
          type: "invalid_request_error",
          param: null,
          code: "refresh_token_reused",
        },
      });
      return;
    }
    const options = refreshToken === null ? undefined : this.live.get(refreshToken);
    if (refreshToken === null || options === undefined) {
      refuse(400, { error: "invalid_grant", error_description: "Invalid refresh token" });
      return;
    }

    const expiresIn = options.expiresInSeconds ?? DEFAULT_EXPIRES_IN;
    const now = Math.floor(Date.now() / 1000);
    const jwtClaims = { iat: now, exp: now + expiresIn, ...options.claims };
    const accessToken =
      options.accessTokenPrefix === undefined
        ? fakeJwt({ ...jwtClaims, jti: randomBytes(8).toString("hex") })
        : `${options.accessTokenPrefix}${randomBytes(24).toString("base64url")}`;
    const newRefreshToken = `${prefixOf(refreshToken)}${randomBytes(24).toString("base64url")}`;
    this.live.delete(refreshToken);
    this.used.add(refreshToken);
    this.live.set(newRefreshToken, options);
    this.acceptKey(accessToken);
    this.log.push({
      at: new Date(),
      refreshToken,
      clientId,
      status: 200,
      accessToken,
      newRefreshToken,
    });
    sendJson(res, 200, {
      access_token: accessToken,
      refresh_token: newRefreshToken,
      ...(options.accessTokenPrefix === undefined ? { id_token: fakeJwt(jwtClaims) } : {}),
      token_type: "Bearer",
      expires_in: expiresIn,
      // The scopes granted: those asked for (Claude Code asks for its scopes and keeps what it is told).
      ...(fields["scope"] === undefined ? {} : { scope: fields["scope"] }),
    });
  }
}

/** The request's fields, from a JSON or a form-encoded body. */
export const parseFields = (
  body: Buffer,
  contentType: string | undefined,
): Record<string, string> | undefined => {
  if (contentType?.includes("application/x-www-form-urlencoded") === true) {
    return Object.fromEntries(new URLSearchParams(body.toString("utf8")));
  }
  const record = asRecord(parseJson(body));
  if (record === undefined) return undefined;
  return Object.fromEntries(
    Object.entries(record).flatMap(([name, value]) =>
      typeof value === "string" ? [[name, value]] : [],
    ),
  );
};
