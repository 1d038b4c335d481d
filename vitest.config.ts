import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["app/**/*.test.{ts,tsx}", "scripts/**/*.test.ts", "test/**/*.test.ts", "extensions/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file gets its own in-memory database; two workers fit this 2-core machine.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    env: {
      NODE_ENV: "test",
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: "test-api-secret",
      SHOPIFY_APP_URL: "https://nps-app.example.test",
      SCOPES:
        "read_orders,read_all_orders,read_customers,write_customers,write_app_proxy,write_discounts,read_products",
      // Emails written without SMTP_URL go to this run's own folder, never the project's data/.
      OUTBOX_DIR: path.join(tmpdir(), `nps-test-outbox-${process.pid}`),
      // Tests post to Slack stand-ins on this machine; the refusal of loopback is tested with it off.
      OUTBOUND_ALLOW_LOOPBACK: "1",
      APP_ENCRYPTION_KEY: "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhs=",
    },
  },
});
