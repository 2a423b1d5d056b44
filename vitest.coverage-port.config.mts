// `npm run coverage:port`: a fixed random campaign under V8 coverage, reporting the branches of the port and the
// reference model it reaches (see README, "Coverage of the port").
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/coverage-port/*.cov.ts"],
    testTimeout: 3_600_000,
    pool: "forks",
    coverage: {
      enabled: true,
      provider: "v8",
      include: ["src/port/**/*.ts", "reference/**/*.ts"],
      reporter: ["text", "json-summary", "json"],
      reportsDirectory: "coverage-port",
    },
  },
});
