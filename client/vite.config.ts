import { createRequire } from "node:module";
import solid from "vite-plugin-solid";
import { defineConfig } from "vitest/config";

// The client calls the api at VITE_API_URL (read at build time; default
// http://localhost:4000/graphql). `npm start` at the root sets API_URL for every process, so
// a client built there follows the api's PORT.
const apiUrl = process.env["API_URL"];
if (!process.env["VITE_API_URL"] && apiUrl) {
  process.env["VITE_API_URL"] = new URL("/graphql", apiUrl).href;
}
const port = Number(process.env["CLIENT_PORT"] ?? 5173);
const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [solid()],
  server: { port, strictPort: true },
  preview: { port, strictPort: true },
  build: { target: "es2022" },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          environment: "jsdom",
          include: ["src/**/*.test.{ts,tsx}"],
        },
      },
      {
        // The built client in Chromium against the real api (and worker): test/browser.
        resolve: {
          // One graphql for type-graphql, Apollo and the api harness (see api/vitest.config.ts).
          alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }],
        },
        test: {
          name: "browser",
          environment: "node",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["test/browser/support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Pages wait on the api, the worker and a provider: give polled assertions time.
          expect: { poll: { timeout: 20_000, interval: 100 } },
          // One Chromium and one api at a time on two cores keeps timings honest.
          fileParallelism: false,
        },
      },
    ],
  },
});
