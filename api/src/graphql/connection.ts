import { AppError } from "@agentry/core";
import { Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { ComplexityEstimator } from "graphql-query-complexity";
import { LIMITS } from "./limits.js";

// Relay-style connections over rows ordered newest first by (createdAt, id): the cursor is that
// pair, opaque to clients (base64url), so pages stay stable while rows are added.

@ObjectType({ description: "Where a page of results ends, and whether more follow." })
export class PageInfo {
  @Field(() => Boolean, { description: "Whether another page follows this one." })
  hasNextPage!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      "The cursor of the last edge of this page (pass it as `after`); null for an empty page.",
  })
  endCursor!: string | null;
}

export interface Edge<T> {
  readonly cursor: string;
  readonly node: T;
}

export interface PageInfoRecord {
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export interface Page<T> {
  readonly edges: Edge<T>[];
  readonly pageInfo: PageInfoRecord;
  readonly totalCount: number;
}

/** Cost of a connection field: its children once per requested node. */
export const connectionComplexity: ComplexityEstimator = ({ args, childComplexity }) => {
  const first: unknown = args["first"];
  return 1 + childComplexity * (typeof first === "number" ? first : LIMITS.pageSizeDefault);
};

/**
 * The GraphQL types of a connection of `node`: `<Name>Edge` here, the connection class
 * itself by extending the result (`class SessionConnection extends Connection("Session", SessionType) {}`).
 */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class EdgeType {
    @Field(() => String, { description: "Pass as `after` to get the nodes after this one." })
    cursor!: string;

    @Field(() => node, { description: `The ${name}.` })
    node!: T;
  }

  // Abstract: never in the schema itself, only through the classes that extend it.
  @ObjectType()
  abstract class ConnectionType {
    @Field(() => [EdgeType], {
      description: "This page's nodes, in the connection's order.",
      // The connection field multiplies its children by the page size already.
      complexity: ({ childComplexity }) => 1 + childComplexity,
    })
    edges!: EdgeType[];

    @Field(() => PageInfo, { description: "Where this page ends and whether more follow." })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "How many nodes there are in all pages together." })
    totalCount!: number;
  }
  return ConnectionType;
}

interface Keyed {
  readonly id: string;
  readonly createdAt: Date;
}

export function encodeCursor(row: Keyed): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`, "utf8").toString("base64url");
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f-]{36})$/;

/** Decodes an `after` cursor; BAD_USER_INPUT "Invalid cursor" for anything not made by encodeCursor. */
export function decodeCursor(cursor: string): { readonly createdAt: Date; readonly id: string } {
  const match =
    cursor.length <= 200 ? CURSOR.exec(Buffer.from(cursor, "base64url").toString("utf8")) : null;
  const createdAt = match?.[1] === undefined ? undefined : new Date(match[1]);
  if (match?.[2] === undefined || createdAt === undefined || Number.isNaN(createdAt.getTime())) {
    throw new AppError("BAD_USER_INPUT", "Invalid cursor", { field: "after" });
  }
  return { createdAt, id: match[2] };
}

/** The Prisma `where` of the rows after a cursor in (createdAt desc, id desc) order. */
export function afterCursor(after: string | null | undefined) {
  if (after === null || after === undefined) return {};
  const { createdAt, id } = decodeCursor(after);
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/** The order connections use: newest first, ties broken by id. */
export const newestFirst = (): [{ createdAt: "desc" }, { id: "desc" }] => [
  { createdAt: "desc" },
  { id: "desc" },
];

/** Builds a page from up to `first + 1` rows (the extra row only says whether more follow). */
export function toPage<R extends Keyed, T>(
  rows: readonly R[],
  first: number,
  totalCount: number,
  toNode: (row: R) => T,
): Page<T> {
  const pageRows = rows.slice(0, first);
  const edges = pageRows.map((row) => ({ cursor: encodeCursor(row), node: toNode(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    totalCount,
  };
}
