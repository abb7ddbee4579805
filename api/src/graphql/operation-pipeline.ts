import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  OperationTypeNode,
  specifiedRules,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { ApiMetrics } from "../metrics/api-metrics.js";
import type { Services } from "../services.js";
import type { CostPolicy } from "./complexity.js";
import type { RequestContext, Viewer } from "./context.js";
import { DocumentCache } from "./document-cache.js";
import { classifyError, toFormattedError, type ClassifiedError } from "./errors.js";
import { depthLimitRule } from "./limits.js";
import { logOperation, logUnexpected } from "./logging.js";
import { checkOperation } from "./operation-checks.js";
import { RequestLoaders } from "./request-loaders.js";

// The one path every GraphQL operation takes, over HTTP (graphql-http.ts) and graphql-ws
// (ws.ts) alike: document (parsed and validated once per text, then cached) → operation →
// variables → limits (argument text, cost, the caller's allowance) → context → execution by
// the transport → one log line (and the metrics) when it ends. The transports only speak their
// protocol around it.

/** Who is calling, as the transport authenticated them. */
export interface Caller {
  readonly viewer: Viewer | null;
  /** A token was sent but refused (unknown, revoked or expired). */
  readonly tokenRefused: boolean;
  readonly clientAddress: string;
}

export interface OperationRequest {
  readonly query: string;
  readonly operationName?: string | null | undefined;
  readonly variables?: Record<string, unknown> | null | undefined;
}

/** What a refusal asks of an HTTP response (graphql-ws has no status). */
export interface HttpHint {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Prepared =
  | {
      readonly ok: true;
      readonly args: ExecutionArgs & { readonly contextValue: RequestContext };
      readonly operation: OperationDefinitionNode;
    }
  | { readonly ok: false; readonly errors: readonly GraphQLError[]; readonly http: HttpHint };

export interface PrepareOptions {
  /** Over HTTP, subscriptions are refused (they are served over graphql-ws). */
  readonly transport: "http" | "ws";
  /** An HTTP GET may only run queries. */
  readonly viaGet?: boolean;
}

/** One operation, from its arrival to its log line. */
export class OperationTrace {
  readonly requestId = randomUUID();
  readonly started = performance.now();
  operationName: string | null = null;
  operationType: OperationTypeNode | null = null;
  viewer: Viewer | null = null;
  readonly errors: ClassifiedError[] = [];
  #logger: Logger | undefined;

  constructor(
    readonly transport: "http" | "ws",
    private readonly base: Logger,
  ) {}

  /** A logger carrying the request id (built on first use: most operations log one line only). */
  get logger(): Logger {
    return (this.#logger ??= this.base.child({ requestId: this.requestId }));
  }
}

export interface PipelineDeps {
  readonly schema: GraphQLSchema;
  readonly services: Services;
  readonly logger: Logger;
  readonly cost: CostPolicy;
  /** Introspection and "Did you mean …" suggestions. */
  readonly schemaOpen: boolean;
  /** Counted when each operation ends. */
  readonly metrics?: Pick<ApiMetrics, "operationFinished"> | undefined;
}

const refusal = (
  message: string,
  code: string,
  status = 400,
  headers?: Record<string, string>,
) => ({
  ok: false as const,
  errors: [new GraphQLError(message, { extensions: { code } })],
  http: { status, ...(headers === undefined ? {} : { headers }) },
});

/** The HTTP status a GraphQLError asks for (extensions.http), if any. */
function httpOf(error: GraphQLError, fallback: number): HttpHint {
  const http = error.extensions["http"] as
    { status?: number; headers?: ReadonlyMap<string, string> } | undefined;
  return {
    status: http?.status ?? fallback,
    ...(http?.headers === undefined ? {} : { headers: Object.fromEntries(http.headers) }),
  };
}

function operationMissing(
  document: { readonly definitions: readonly { readonly kind: string }[] },
  operationName: string | undefined,
): string {
  if (operationName !== undefined) return `Unknown operation named "${operationName}".`;
  const operations = document.definitions.filter((d) => d.kind === "OperationDefinition").length;
  return operations === 0
    ? "Must provide an operation."
    : "Must provide operation name if query contains multiple operations.";
}

export class OperationPipeline {
  private readonly documents: DocumentCache;
  /**
   * Writes the operation lines. Their fields are fixed (names, ids, codes, a duration) and none
   * is a secret, so they skip redaction, which costs several times the rest of the line
   * (about a hundred wildcard paths, matched on every line).
   */
  private readonly lines: Logger;

  constructor(private readonly deps: PipelineDeps) {
    this.lines = deps.logger.child({}, { redact: { paths: [] } });
    this.documents = new DocumentCache(
      deps.schema,
      [
        ...specifiedRules,
        depthLimitRule(),
        ...(deps.schemaOpen ? [] : [NoSchemaIntrospectionCustomRule]),
      ],
      deps.schemaOpen,
    );
  }

  begin(transport: "http" | "ws"): OperationTrace {
    return new OperationTrace(transport, this.deps.logger);
  }

  /** Everything before execution; the arguments to execute (or subscribe) with, or the refusal. */
  async prepare(
    trace: OperationTrace,
    request: OperationRequest,
    caller: Caller,
    options: PrepareOptions,
  ): Promise<Prepared> {
    const { schema } = this.deps;
    trace.viewer = caller.viewer;
    const parsed = this.documents.get(request.query);
    if (parsed.valid === undefined)
      return { ok: false, errors: parsed.errors, http: { status: 400 } };
    const { valid } = parsed;
    const operationName = request.operationName ?? undefined;
    const variables = request.variables ?? undefined;
    const operation = getOperationAST(valid.document, operationName) ?? null;
    if (operation !== null) {
      trace.operationName = operation.name?.value ?? null;
      trace.operationType = operation.operation;
      if (options.viaGet === true && operation.operation !== OperationTypeNode.QUERY) {
        return refusal(
          `GET requests only support query operations, not ${operation.operation} operations`,
          "BAD_REQUEST",
          405,
          { allow: "POST" },
        );
      }
      const coerced = getVariableValues(
        schema,
        operation.variableDefinitions ?? [],
        variables ?? {},
      );
      if (coerced.errors !== undefined) {
        return {
          ok: false,
          errors: coerced.errors.map(
            (error) =>
              new GraphQLError(error.message, {
                ...(error.nodes === undefined ? {} : { nodes: error.nodes }),
                originalError: error,
                extensions: { ...error.extensions, code: "BAD_USER_INPUT" },
              }),
          ),
          http: { status: 400 },
        };
      }
    }
    try {
      await checkOperation(schema, this.deps.cost, {
        valid,
        operation,
        operationName,
        variables,
        context: caller,
      });
    } catch (error) {
      if (error instanceof GraphQLError)
        return { ok: false, errors: [error], http: httpOf(error, 500) };
      throw error;
    }
    if (operation === null) {
      return refusal(
        operationMissing(valid.document, operationName),
        "OPERATION_RESOLUTION_FAILURE",
      );
    }
    // Over HTTP a subscription would run as a query with no event to resolve and fail as
    // INTERNAL: refuse it as the client's mistake instead.
    if (options.transport === "http" && operation.operation === OperationTypeNode.SUBSCRIPTION) {
      return refusal(
        "Subscriptions are served over graphql-ws (a WebSocket to this same URL), not over HTTP",
        "BAD_USER_INPUT",
      );
    }
    const contextValue: RequestContext = {
      requestId: trace.requestId,
      viewer: caller.viewer,
      tokenRefused: caller.tokenRefused,
      clientAddress: caller.clientAddress,
      get logger() {
        return trace.logger;
      },
      realtime: this.deps.services.realtime,
      loaders: new RequestLoaders(this.deps.services),
    };
    return {
      ok: true,
      operation,
      args: {
        schema,
        document: valid.document,
        contextValue,
        ...(operationName === undefined ? {} : { operationName }),
        ...(variables === undefined ? {} : { variableValues: variables }),
      },
    };
  }

  /**
   * The client's shape of errors raised while handling the operation; each is classified for
   * its log line, and an unexpected one is logged in full (server side only).
   */
  format(trace: OperationTrace | undefined, errors: readonly unknown[]): GraphQLFormattedError[] {
    return errors.map((error) => {
      const classified = classifyError(error);
      if (classified.unexpected) logUnexpected(trace?.logger ?? this.deps.logger, error);
      trace?.errors.push(classified);
      return toFormattedError(error);
    });
  }

  /** The operation's one log line, and its count in the metrics. */
  end(trace: OperationTrace): void {
    const entry = {
      requestId: trace.requestId,
      transport: trace.transport,
      operationName: trace.operationName,
      operationType: trace.operationType,
      userId: trace.viewer?.userId ?? null,
      durationMs: performance.now() - trace.started,
      errors: trace.errors,
    };
    logOperation(this.lines, entry);
    this.deps.metrics?.operationFinished(entry);
  }
}
