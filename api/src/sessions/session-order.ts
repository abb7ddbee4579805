import { AppError } from "@agentry/core";
import { decodeCursor } from "../graphql/connection.js";

// How the sessions list may be ordered, and its cursors. A cursor holds the ordering it was made
// for and the last row's (key, id), so a page continues exactly after that row even when other
// rows share its key, and a cursor handed to another ordering is refused rather than misread.

/** What the sessions list can be ordered by. */
export const SessionOrderField = {
  CREATED_AT: "CREATED_AT",
  NAME: "NAME",
  COST: "COST",
  TOKENS: "TOKENS",
  API_CALLS: "API_CALLS",
} as const;
export type SessionOrderField = (typeof SessionOrderField)[keyof typeof SessionOrderField];

export const OrderDirection = { ASC: "ASC", DESC: "DESC" } as const;
export type OrderDirection = (typeof OrderDirection)[keyof typeof OrderDirection];

export interface SessionOrder {
  readonly field: SessionOrderField;
  readonly direction: OrderDirection;
}

/** Newest first: the order when none is asked for. */
export const DEFAULT_SESSION_ORDER: SessionOrder = { field: "CREATED_AT", direction: "DESC" };

/** Where a page starts: after the row with this key (as text) and id, in `order`. */
export interface SessionCursor {
  readonly key: string;
  readonly id: string;
}

/**
 * Longest cursor accepted. A NAME cursor carries the name (up to 200 characters, which JSON and
 * base64url can stretch to about 1,800), so this is well above what encodeSessionCursor makes.
 */
export const SESSION_CURSOR_MAX_LENGTH = 2048;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The shape of each field's key as encoded: numbers as Postgres prints them, dates in ISO. */
const KEY_SHAPE: Readonly<Record<SessionOrderField, RegExp>> = {
  CREATED_AT: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
  NAME: /^[\s\S]{1,200}$/,
  COST: /^\d{1,20}(?:\.\d{1,20})?$/,
  TOKENS: /^\d{1,30}$/,
  API_CALLS: /^\d{1,12}$/,
};

interface CursorJson {
  readonly f: SessionOrderField;
  readonly d: OrderDirection;
  readonly k: string;
  readonly id: string;
}

export function encodeSessionCursor(order: SessionOrder, cursor: SessionCursor): string {
  const json: CursorJson = { f: order.field, d: order.direction, k: cursor.key, id: cursor.id };
  return Buffer.from(JSON.stringify(json), "utf8").toString("base64url");
}

const invalid = (message = "Invalid cursor"): AppError =>
  new AppError("BAD_USER_INPUT", message, { field: "after" });

const isField = (value: unknown): value is SessionOrderField =>
  typeof value === "string" && Object.hasOwn(SessionOrderField, value);

const isDirection = (value: unknown): value is OrderDirection =>
  value === "ASC" || value === "DESC";

function parseJson(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Decodes an `after` cursor for `order`: BAD_USER_INPUT "Invalid cursor" for anything
 * encodeSessionCursor did not make, and "This cursor belongs to another ordering" for a cursor
 * made for a different field or direction.
 */
export function decodeSessionCursor(cursor: string, order: SessionOrder): SessionCursor {
  if (cursor.length > SESSION_CURSOR_MAX_LENGTH) throw invalid();
  const json = parseJson(cursor);
  if (typeof json !== "object" || json === null) return decodeLegacyCursor(cursor, order);
  const { f, d, k, id } = json as Partial<Record<keyof CursorJson, unknown>>;
  if (!isField(f) || !isDirection(d) || typeof k !== "string" || typeof id !== "string") {
    throw invalid();
  }
  if (!UUID.test(id) || !KEY_SHAPE[f].test(k)) throw invalid();
  if (f === "CREATED_AT" && Number.isNaN(Date.parse(k))) throw invalid();
  if (f !== order.field || d !== order.direction) {
    throw invalid("This cursor belongs to another ordering");
  }
  return { key: k, id };
}

// Cursors from before orderBy existed (createdAt|id, newest first) still continue that order,
// so a program paging through when the api is upgraded does not start over.
function decodeLegacyCursor(cursor: string, order: SessionOrder): SessionCursor {
  const { createdAt, id } = decodeCursor(cursor);
  if (order.field !== "CREATED_AT" || order.direction !== "DESC") {
    throw invalid("This cursor belongs to another ordering");
  }
  return { key: createdAt.toISOString(), id };
}
