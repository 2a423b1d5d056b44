import { defineConfig } from "vitest/config";

// In CI (CI=true) the results are also written as JUnit XML, which CI systems show in their test tabs; the
// regression replay of corpus/ and crashes/ is one suite in it.
const ci = process.env.CI === "true";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    reporters: ci ? ["default", "junit"] : ["default"],
    ...(ci ? { outputFile: { junit: "reports/junit.xml" } } : {}),
  },
});
