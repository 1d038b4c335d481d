import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import { childEnv, runCli } from "./process";

const root = mkdtempSync(path.join(tmpdir(), "nps-cli-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The CLI on the embedded database (no app running: it opens the folder itself), and on
// PostgreSQL when the suite runs against it (it connects directly).
const databaseUrl = inject("databaseUrl");
const targets: Array<[string, NodeJS.ProcessEnv]> = [
  ["PGlite", childEnv({ PGLITE_DATA_DIR: path.join(root, "pglite"), LOG_LEVEL: "warn" })],
  ...(databaseUrl
    ? ([["PostgreSQL", childEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" })]] as Array<
        [string, NodeJS.ProcessEnv]
      >)
    : []),
];

describe.each(targets)("npm run stats on %s without a running app", (_name, env) => {
  it("says in one line that a shop is unknown, with exit code 1", () => {
    const result = runCli(["stats", "--shop", "nobody.myshopify.com"], env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("Unknown shop: nobody.myshopify.com");
  });

  it("rejects a missing or malformed --shop with usage and exit code 2", () => {
    const missing = runCli(["stats"], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("Invalid arguments for stats: --shop");
    const bad = runCli(["stats", "--shop", "not a shop"], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("must be a shop domain");
    const unknownCommand = runCli(["nonsense"], env);
    expect(unknownCommand.status).toBe(2);
  });
});
