import {
  buildSchema,
  execute,
  graphql,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

// The baseline for GraphQL over HTTP: the least a graphql-js server does for the same query on
// the same schema (the api's emitted schema.graphql) with the same answers. node:http, the
// body read and parsed, graphql() (parse, validate, execute) and JSON out: no auth, no
// database (the answers are held in memory), no limits, no logging. A second variant keeps
// each document parsed and validated, as the api does.

const SCHEMA_FILE = new URL("../../../schema.graphql", import.meta.url);

export interface BareGraphQLServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface BareAnswers {
  /** What `me` resolves to. */
  readonly me: unknown;
  /** What `sessions` resolves to (a recorded page: its nodes' fields are plain values). */
  readonly sessions: unknown;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export function loadApiSchema(): GraphQLSchema {
  return buildSchema(readFileSync(SCHEMA_FILE, "utf8"));
}

export async function startBareGraphQLServer(
  answers: BareAnswers,
  options: { readonly cacheDocuments: boolean },
): Promise<BareGraphQLServer> {
  const schema = loadApiSchema();
  const rootValue = { me: () => answers.me, sessions: () => answers.sessions };
  const documents = new Map<string, DocumentNode>();
  const run = async (body: {
    query: string;
    variables?: Record<string, unknown>;
    operationName?: string;
  }) => {
    if (!options.cacheDocuments) {
      return graphql({
        schema,
        source: body.query,
        rootValue,
        variableValues: body.variables ?? null,
        operationName: body.operationName ?? null,
      });
    }
    let document = documents.get(body.query);
    if (document === undefined) {
      document = parse(body.query);
      const errors = validate(schema, document);
      if (errors.length > 0) return { errors };
      documents.set(body.query, document);
    }
    return execute({
      schema,
      document,
      rootValue,
      variableValues: body.variables ?? null,
      operationName: body.operationName ?? null,
    });
  };
  const server = createServer((req, res) => {
    readBody(req)
      .then((text) => run(JSON.parse(text) as Parameters<typeof run>[0]))
      .then((result) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify(result));
      })
      .catch((error: unknown) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(error instanceof Error ? error.message : "failed");
      });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
