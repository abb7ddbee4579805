// Where the api is: VITE_API_URL at build time (absolute, or a path such as /graphql when a proxy
// serves the client and the api from one origin), else the api's default address.

export const DEFAULT_API_URL = "http://localhost:4000/graphql";

/** The GraphQL endpoint over HTTP and, on the same path, graphql-ws. */
export interface ApiEndpoints {
  readonly http: string;
  readonly ws: string;
}

/** Resolves the configured api URL against the page's origin and derives the WebSocket URL. */
export function apiEndpoints(configured: string | undefined, pageOrigin: string): ApiEndpoints {
  const value = configured?.trim() ? configured.trim() : DEFAULT_API_URL;
  const http = new URL(value, pageOrigin);
  if (http.protocol !== "http:" && http.protocol !== "https:") {
    throw new Error(`VITE_API_URL must be an http(s) URL or a path, got ${http.protocol}`);
  }
  const ws = new URL(http);
  ws.protocol = http.protocol === "https:" ? "wss:" : "ws:";
  return { http: http.href, ws: ws.href };
}
