import { AppError } from "@agentry/core";
import type { Logger } from "pino";
import type { Role } from "./enums.js";
import type { RealtimeService } from "../realtime/realtime.service.js";
import type { RequestLoaders } from "./request-loaders.js";

/** Who is calling: the user behind a valid bearer token. */
export interface Viewer {
  readonly userId: string;
  readonly email: string;
  readonly role: Role;
  /** When the account was created (`me` is answered from the viewer). */
  readonly userCreatedAt: Date;
  /** The token the request came with (signOut revokes it). */
  readonly tokenId: string;
}

/** The per-operation context every resolver receives (HTTP and graphql-ws alike). */
export interface RequestContext {
  readonly requestId: string;
  readonly viewer: Viewer | null;
  /** A token was sent but refused (unknown, revoked or expired). */
  readonly tokenRefused: boolean;
  /** Where the request came from (behind TRUSTED_PROXIES, the forwarded client), for rate limits. */
  readonly clientAddress: string;
  readonly logger: Logger;
  /**
   * Subscriptions' entry point. type-graphql calls a subscription's `subscribe` function with
   * the context only (not the resolver instance), so the service it needs rides here.
   */
  readonly realtime: RealtimeService;
  /** This operation's batch loaders (a page of sessions' fields in one query per field). */
  readonly loaders: RequestLoaders;
}

/** The viewer, or UNAUTHENTICATED. */
export function requireViewer(context: RequestContext): Viewer {
  if (context.viewer !== null) return context.viewer;
  throw new AppError(
    "UNAUTHENTICATED",
    context.tokenRefused
      ? "Your token is invalid, revoked or expired; sign in again"
      : "Sign in first",
  );
}

/** The viewer when an admin, else FORBIDDEN (UNAUTHENTICATED when nobody signed in). */
export function requireAdmin(context: RequestContext): Viewer {
  const viewer = requireViewer(context);
  if (viewer.role !== "ADMIN") throw new AppError("FORBIDDEN", "Only an administrator may do this");
  return viewer;
}
