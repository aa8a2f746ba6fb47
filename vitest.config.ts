import { randomBytes } from "node:crypto";
import path from "node:path";
import { defineConfig } from "vitest/config";

const integration = ["tests/**/*.test.ts"];

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
  test: {
    environment: "node",
    globalSetup: ["tests/global-setup.ts"],
    env: { KEYWARD_MASTER_KEY: randomBytes(32).toString("hex") },
    testTimeout: 30_000,
    // CI (2 shared cores, real servers and databases) retries a failed test once; a pass on the retry is reported.
    retry: process.env.CI ? 1 : 0,
    hookTimeout: 180_000,
    coverage: {
      provider: "v8",
      include: ["lib/**/*.ts"],
      exclude: ["lib/generated/**", "**/*.test.ts"],
    },
    projects: [
      { extends: true, test: { name: "sqlite", include: ["lib/**/*.test.ts", "bin/**/*.test.ts", "server/**/*.test.ts", ...integration] } },
      // The integration suite again on PostgreSQL when a server is given (CI sets it up; see .ci/run).
      ...(process.env.TEST_POSTGRES_URL
        ? [{ extends: true as const, test: { name: "postgres", include: integration, env: { KEYWARD_TEST_DB: "postgres" } } }]
        : []),
    ],
  },
});
