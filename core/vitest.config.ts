import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Files that need a database make their own (createTestDatabase), so they run in parallel.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
