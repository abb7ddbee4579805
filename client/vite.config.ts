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
    ],
  },
});
