import { afterAll, inject } from "vitest";

const databaseUrl = inject("databaseUrl");
if (databaseUrl) {
  process.env.DATABASE_URL = databaseUrl;
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DATA_DIR = "memory://";
}

// An error logged during a test is a failure nobody would notice otherwise.
const originalConsoleError = console.error;
console.error = (...args: unknown[]) => {
  originalConsoleError(...args);
  throw new Error(`console.error was called during a test: ${args.map(String).join(" ").slice(0, 500)}`);
};

// Before the test file is imported: route modules open Shopify's session storage, which
// looks for its table as soon as it is constructed.
const { migrateDatabase } = await import("../app/db.server");
await migrateDatabase();

afterAll(async () => {
  const { closeDatabase } = await import("../app/db.server");
  await closeDatabase();
});
