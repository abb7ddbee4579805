import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // Each file makes its own database, so files run in parallel; boot talks to real services.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
