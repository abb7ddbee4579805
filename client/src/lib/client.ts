import {
  cacheExchange,
  Client,
  fetchExchange,
  mapExchange,
  subscriptionExchange,
} from "@urql/core";
import { createClient as createWsClient, type Client as WsClient } from "graphql-ws";
import type { ApiEndpoints } from "./api-url.js";
import { isUnauthenticated } from "./errors.js";

/** graphql-ws closes a connection whose token it refuses with this code. */
export const WS_FORBIDDEN = 4403;

export interface ApiClientOptions {
  readonly endpoints: ApiEndpoints;
  /** The bearer token, or null when signed out. */
  readonly token: string | null;
  /** Called when the api no longer accepts the token (HTTP UNAUTHENTICATED or ws 4403). */
  readonly onUnauthenticated: () => void;
}

export interface ApiClient {
  readonly client: Client;
  /** Closes the WebSocket; the client is not used again. */
  dispose(): void;
}

/**
 * An urql client for one token: queries and mutations over HTTP, subscriptions over graphql-ws.
 * A new token means a new client (fresh cache, a socket authenticated as the new user).
 */
export function createApiClient({
  endpoints,
  token,
  onUnauthenticated,
}: ApiClientOptions): ApiClient {
  const authorization = token === null ? undefined : `Bearer ${token}`;
  let ws: WsClient | undefined;
  const socket = (): WsClient => {
    ws ??= createWsClient({
      url: endpoints.ws,
      lazy: true,
      connectionParams: authorization === undefined ? {} : { authorization },
      retryAttempts: Number.POSITIVE_INFINITY,
      // A refused token will be refused again; anything else (a restart, a lost network) retries.
      shouldRetry: (event) => !(isCloseEvent(event) && event.code === WS_FORBIDDEN),
      on: {
        closed: (event) => {
          if (token !== null && isCloseEvent(event) && event.code === WS_FORBIDDEN) {
            onUnauthenticated();
          }
        },
      },
    });
    return ws;
  };

  const client = new Client({
    url: endpoints.http,
    // Apollo's CSRF protection refuses GET requests without a preflight-forcing header.
    preferGetMethod: false,
    fetchOptions: () => ({
      headers: authorization === undefined ? {} : { authorization },
    }),
    exchanges: [
      mapExchange({
        onError(error, operation) {
          // Without a token, UNAUTHENTICATED is the answer itself (a wrong password at sign-in).
          if (token !== null && operation.kind !== "teardown" && isUnauthenticated(error)) {
            onUnauthenticated();
          }
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? "" };
          return {
            subscribe(sink) {
              const unsubscribe = socket().subscribe(input, {
                next: ({ data, errors, extensions }) => {
                  sink.next({
                    data: data ?? null,
                    ...(errors === undefined ? {} : { errors }),
                    ...(extensions ? { extensions } : {}),
                  });
                },
                error: (error) => {
                  sink.error(error);
                },
                complete: () => {
                  sink.complete();
                },
              });
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    dispose() {
      void ws?.dispose();
    },
  };
}

function isCloseEvent(event: unknown): event is { code: number } {
  return (
    typeof event === "object" &&
    event !== null &&
    typeof (event as { code?: unknown }).code === "number"
  );
}
