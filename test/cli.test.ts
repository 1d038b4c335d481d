import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv, runCli } from "./process";

describe("npm run stats without a running app", () => {
  const root = mkdtempSync(path.join(tmpdir(), "nps-cli-"));
  const env = childEnv({ PGLITE_DATA_DIR: path.join(root, "pglite"), LOG_LEVEL: "warn" });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("opens the embedded database itself, and says so in one line for an unknown shop", () => {
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
