import { execute, GraphQLError, type GraphQLFormattedError } from "graphql";
import type { IncomingMessage, ServerResponse } from "node:http";
import { toFormattedError } from "../graphql/errors.js";
import { LIMITS } from "../graphql/limits.js";
import type {
  Caller,
  OperationPipeline,
  OperationRequest,
  OperationTrace,
} from "../graphql/operation-pipeline.js";
import { JSON_TYPE, mediaEssence, responseContentType } from "./media-types.js";

// GraphQL over HTTP on the operation pipeline, with the semantics clients of this api know
// (those of Apollo Server, which served it before): GET for queries and POST with a JSON body;
// CSRF prevention (a "simple" cross-site request must carry a preflight header); JSON or
// application/graphql-response+json by the Accept header; 400 for a request the client got
// wrong (syntax, validation, variables, limits), 405 and 413 and 415 and 406 where they apply,
// 429 for a caller over their allowance; 200 once the operation ran. No batching.

const NON_PREFLIGHTED = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];
const PREFLIGHT_HEADERS = ["x-apollo-operation-name", "apollo-require-preflight"];
const CSRF_MESSAGE =
  `This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Please ` +
  `either specify a 'content-type' header (with a type that is not one of ` +
  `${NON_PREFLIGHTED.join(", ")}) or provide a non-empty value for one of the following ` +
  `headers: ${PREFLIGHT_HEADERS.join(", ")}\n`;

/** A request the client got wrong before any GraphQL is read: its status and message. */
class HttpRefusal extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

class BodyTooLargeError extends Error {}

/** Reads a request body up to `max` bytes; past that, drains (bounded) and throws BodyTooLargeError. */
function readBody(req: IncomingMessage, max: number): Promise<string> {
  // Events rather than the stream's async iterator: cheaper for the one chunk most bodies are.
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "0");
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = declared > max;
    let ended = false;
    const done = (): void => {
      ended = true;
      req.off("data", onData);
      req.off("error", reject);
      if (tooLarge) reject(new BodyTooLargeError());
      else
        resolve(chunks.length === 1 ? String(chunks[0]) : Buffer.concat(chunks).toString("utf8"));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) tooLarge = true;
      // A client that keeps sending far past the cap is cut off instead of drained.
      if (size > max * 8) {
        req.off("end", done);
        req.destroy();
        done();
        return;
      }
      if (!tooLarge) chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", done);
    req.once("error", reject);
    req.once("close", () => {
      if (!ended) reject(new Error("The client closed the request before sending all of it"));
    });
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);

/** Refuses a request that a browser may send cross-site without asking (no preflight). */
function preventCsrf(req: IncomingMessage): void {
  const contentType = req.headers["content-type"];
  if (contentType !== undefined) {
    const essence = mediaEssence(contentType);
    // Anything but the three "simple" types makes a browser ask first (a preflight).
    if (essence === undefined || !NON_PREFLIGHTED.includes(essence)) return;
  }
  const preflighted = PREFLIGHT_HEADERS.some((name) => {
    const value = req.headers[name];
    return typeof value === "string" && value.length > 0;
  });
  if (!preflighted) throw new HttpRefusal(CSRF_MESSAGE);
}

function fromPost(body: unknown): OperationRequest | undefined {
  if (Array.isArray(body)) throw new HttpRefusal("Operation batching disabled.");
  if (!isRecord(body) || Object.keys(body).length === 0) {
    throw new HttpRefusal("POST body missing, invalid Content-Type, or JSON object has no keys.");
  }
  const { query, variables, operationName, extensions } = body;
  if (query !== undefined && query !== null && typeof query !== "string") {
    throw new HttpRefusal("GraphQL queries must be strings.");
  }
  if (typeof variables === "string") {
    throw new HttpRefusal(
      "`variables` in a POST body should be provided as an object, not a recursively JSON-encoded string.",
    );
  }
  if (typeof extensions === "string") {
    throw new HttpRefusal(
      "`extensions` in a POST body should be provided as an object, not a recursively JSON-encoded string.",
    );
  }
  if (extensions !== undefined && extensions !== null && !isRecord(extensions)) {
    throw new HttpRefusal("`extensions` in a POST body must be an object if provided.");
  }
  if (variables !== undefined && variables !== null && !isRecord(variables)) {
    throw new HttpRefusal("`variables` in a POST body must be an object if provided.");
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== "string") {
    throw new HttpRefusal("`operationName` in a POST body must be a string if provided.");
  }
  return withQuery(query, operationName, variables, extensions);
}

function searchParam(params: URLSearchParams, name: string): string | undefined {
  const values = params.getAll(name);
  if (values.length > 1) {
    throw new HttpRefusal(`The '${name}' search parameter may only be specified once.`);
  }
  return values[0];
}

function jsonSearchParam(
  params: URLSearchParams,
  name: string,
): Record<string, unknown> | undefined {
  const text = searchParam(params, name);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpRefusal(`The ${name} search parameter contains invalid JSON.`);
  }
  if (!isRecord(value)) {
    throw new HttpRefusal(`The ${name} search parameter should contain a JSON-encoded object.`);
  }
  return value;
}

function fromGet(req: IncomingMessage, url: URL): OperationRequest | undefined {
  const contentType = req.headers["content-type"];
  if (contentType !== undefined && mediaEssence(contentType) !== "application/json") {
    throw new HttpRefusal(
      "GET requests may not have a content-type header other than application/json.",
      415,
    );
  }
  const params = url.searchParams;
  return withQuery(
    searchParam(params, "query"),
    searchParam(params, "operationName"),
    jsonSearchParam(params, "variables"),
    jsonSearchParam(params, "extensions"),
  );
}

/** The operation asked for; undefined when there is no query (the pipeline refuses that). */
function withQuery(
  query: unknown,
  operationName: unknown,
  variables: unknown,
  extensions: unknown,
): OperationRequest | undefined {
  if (typeof query !== "string" || query === "") {
    // Persisted queries are not kept here: a query's hash alone names nothing.
    if (isRecord(extensions) && extensions["persistedQuery"] !== undefined) {
      throw new HttpRefusal("Persisted queries are not supported: send the query itself.");
    }
    return undefined;
  }
  return {
    query,
    operationName: typeof operationName === "string" ? operationName : undefined,
    variables: isRecord(variables) ? variables : undefined,
  };
}

function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    ...headers,
    "content-type": contentType,
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

const requestError = (message: string): GraphQLFormattedError =>
  toFormattedError(new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } }));

export interface GraphQLHttpDeps {
  readonly pipeline: OperationPipeline;
  /** Who is calling (the bearer token's user, where from). */
  readonly callerOf: (req: IncomingMessage) => Promise<Caller>;
}

/** Answers one GraphQL request on /graphql (the caller has handled CORS). */
export function createGraphQLHttpHandler(
  deps: GraphQLHttpDeps,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { pipeline } = deps;

  const respond = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    trace: OperationTrace,
  ): Promise<{ logged: boolean }> => {
    const method = (req.method ?? "GET").toUpperCase();
    let body: unknown;
    if (method === "POST") {
      let text: string;
      try {
        text = await readBody(req, LIMITS.maxBodyBytes);
      } catch (error) {
        if (!(error instanceof BodyTooLargeError)) throw error;
        send(
          res,
          413,
          JSON_TYPE,
          { errors: [requestError("The request body is too large (at most 1 MB)")] },
          { connection: "close" },
        );
        return { logged: false };
      }
      if (/^application\/(graphql-response\+)?json/i.test(req.headers["content-type"] ?? "")) {
        try {
          body = text === "" ? undefined : JSON.parse(text);
        } catch {
          send(res, 400, JSON_TYPE, {
            errors: [requestError("The request body is not valid JSON")],
          });
          return { logged: false };
        }
      } else {
        body = text;
      }
    }
    const contentType = responseContentType(req.headers.accept);
    const fail = (refusal: HttpRefusal): { logged: boolean } => {
      send(
        res,
        refusal.status,
        contentType ?? JSON_TYPE,
        { errors: [requestError(refusal.message)] },
        refusal.headers,
      );
      return { logged: false };
    };
    let request: OperationRequest | undefined;
    let caller: Caller;
    try {
      preventCsrf(req);
    } catch (error) {
      if (error instanceof HttpRefusal) return fail(error);
      throw error;
    }
    try {
      caller = await deps.callerOf(req);
      trace.viewer = caller.viewer;
    } catch (error) {
      // The token could not be checked (the database out of reach, say): nothing runs.
      send(res, 500, contentType ?? JSON_TYPE, { errors: pipeline.format(trace, [error]) });
      return { logged: false };
    }
    try {
      if (method === "POST") request = fromPost(body);
      else if (method === "GET") request = fromGet(req, url);
      else {
        throw new HttpRefusal("GraphQL is served over GET/POST requests only.", 405, {
          allow: "GET, POST",
        });
      }
      if (contentType === null) {
        throw new HttpRefusal(
          "An 'accept' header was provided for this request which does not accept application/json; charset=utf-8 or application/graphql-response+json; charset=utf-8",
          406,
        );
      }
    } catch (error) {
      if (error instanceof HttpRefusal) return fail(error);
      throw error;
    }
    // From here on the request is an operation: it gets its log line.
    if (request === undefined) {
      const errors = pipeline.format(trace, [
        new GraphQLError(
          "GraphQL operations must contain a non-empty `query` or a `persistedQuery` extension.",
          { extensions: { code: "BAD_REQUEST" } },
        ),
      ]);
      send(res, 400, contentType, { errors });
      return { logged: true };
    }
    const prepared = await pipeline.prepare(trace, request, caller, {
      transport: "http",
      viaGet: method === "GET",
    });
    if (!prepared.ok) {
      send(
        res,
        prepared.http.status,
        contentType,
        { errors: pipeline.format(trace, prepared.errors) },
        prepared.http.headers,
      );
      return { logged: true };
    }
    const result = await execute(prepared.args);
    const errors = result.errors === undefined ? undefined : pipeline.format(trace, result.errors);
    send(res, 200, contentType, { errors, data: result.data, extensions: result.extensions });
    return { logged: true };
  };

  return async (req, res, url) => {
    const trace = pipeline.begin("http");
    res.setHeader("x-request-id", trace.requestId);
    const { logged } = await respond(req, res, url, trace);
    if (logged) pipeline.end(trace);
  };
}
