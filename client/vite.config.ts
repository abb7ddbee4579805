import { defineConfig } from "vitest/config";
import solid from "vite-plugin-solid";

// The api (GraphQL over HTTP and graphql-ws) runs on its own port; in development the dev
// server proxies /graphql to it so the browser talks to one origin.
const apiUrl = process.env["API_URL"] ?? "http://127.0.0.1:4000";
const port = Number(process.env["CLIENT_PORT"] ?? 5173);

export default defineConfig({
  plugins: [solid()],
  server: {
    port,
    strictPort: true,
    proxy: { "/graphql": { target: apiUrl, ws: true, changeOrigin: true } },
  },
  preview: {
    port,
    strictPort: true,
    proxy: { "/graphql": { target: apiUrl, ws: true, changeOrigin: true } },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
  },
});
