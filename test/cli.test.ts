import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { convertOnlineRetail } from "../scripts/lib/online-retail";
import { childEnv, ROOT, runCli, runCliIntoFile, runCliIntoSlowPipe, runThemes } from "./process";
import { uniqueShop } from "./shopify";

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
  it("says in one line that a shop is unknown, with exit code 1", async () => {
    const result = await runCli(["stats", "--shop", "nobody.myshopify.com"], env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("Unknown shop: nobody.myshopify.com");
  }, 120_000);

  it("rejects a missing or malformed --shop with usage and exit code 2", async () => {
    const missing = await runCli(["stats"], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("Invalid arguments for stats: --shop");
    const bad = await runCli(["stats", "--shop", "not a shop"], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("must be a shop domain");
    const unknownCommand = await runCli(["nonsense"], env);
    expect(unknownCommand.status).toBe(2);
  }, 120_000);
});

const PIPE_BUFFER = 64 * 1024;

describe.each(targets)("the CLI's whole output through a slow pipe and into a file, on %s", (_name, env) => {
  const shop = uniqueShop("cli-pipe");
  const jsonl = path.join(root, `${shop}.jsonl`);
  const file = (name: string) => path.join(root, `${shop}-${name}`);
  /** The same command into a pipe whose reader waits, and into a file. */
  const both = async (args: string[], name: string) => {
    const piped = await runCliIntoSlowPipe(args, env);
    const written = await runCliIntoFile(args, env, file(name));
    return { piped, written };
  };

  beforeAll(async () => {
    await convertOnlineRetail(path.join(ROOT, "test/fixtures/online-retail/online-retail-30k.csv"), jsonl);
  }, 60_000);

  it("import: the same summary, but for its duration, both ways", async () => {
    // Importing the file again changes nothing (the import is idempotent), so both runs report the same.
    const { piped, written } = await both(["import", "--shop", shop, "--file", jsonl], "import.json");
    expect(piped.status, piped.stderr).toBe(0);
    expect(written.status, written.stderr).toBe(0);
    const withoutTime = (text: string) => ({ ...(JSON.parse(text) as object), seconds: undefined });
    expect(withoutTime(piped.stdout)).toEqual(withoutTime(written.stdout));
    expect(withoutTime(piped.stdout)).toMatchObject({ shop, orders: 12392, lines: 29975, invalidLines: 0 });
  }, 180_000);

  it("rfm --format csv: every line, well beyond the pipe's 64 KiB buffer", async () => {
    const args = ["rfm", "--shop", shop, "--as-of", "2011-12-10", "--format", "csv"];
    const { piped, written } = await both(args, "rfm.csv");
    expect(written.status, written.stderr).toBe(0);
    expect(Buffer.byteLength(written.stdout)).toBeGreaterThan(PIPE_BUFFER);
    expect(written.stdout.split("\n")).toHaveLength(3547 + 1);
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout.length).toBe(written.stdout.length);
    expect(piped.stdout).toBe(written.stdout);
  }, 180_000);

  it("rfm --format json: the whole array, several times the pipe's buffer", async () => {
    const args = ["rfm", "--shop", shop, "--as-of", "2011-12-10", "--format", "json"];
    const { piped, written } = await both(args, "rfm.json");
    expect(written.status, written.stderr).toBe(0);
    expect(Buffer.byteLength(written.stdout)).toBeGreaterThan(4 * PIPE_BUFFER);
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stdout.length).toBe(written.stdout.length);
    expect(piped.stdout).toBe(written.stdout);
    expect(JSON.parse(piped.stdout)).toHaveLength(3546);
  }, 180_000);

  it("report and stats: the same text both ways", async () => {
    for (const [name, args] of [
      // Dates given: without them the report ends today, which may change between the two runs.
      [
        "report.csv",
        ["report", "--shop", shop, "--by", "month", "--from", "2010-12-01", "--to", "2011-12-31", "--format", "csv"],
      ],
      ["report.json", ["report", "--shop", shop, "--by", "vendor", "--from", "2010-12-01", "--to", "2011-12-31"]],
      ["stats.json", ["stats", "--shop", shop]],
    ] as const) {
      const { piped, written } = await both([...args], name);
      expect(written.status, `${name}: ${written.stderr}`).toBe(0);
      expect(piped.status, `${name}: ${piped.stderr}`).toBe(0);
      expect(written.stdout, name).not.toBe("");
      expect(piped.stdout, name).toBe(written.stdout);
    }
    expect(JSON.parse((await runCliIntoSlowPipe(["stats", "--shop", shop], env)).stdout)).toMatchObject({
      orders: 12392,
      orderLines: 29975,
    });
  }, 180_000);

  it("themes classify: one JSON line per comment, in order, with the default or the shop's themes", async () => {
    const comments = ["Arrived late and the box was crushed", "La taille est trop petite", "", "Top!"];
    const input = `${comments.join("\n")}\n`;
    const defaults = await runThemes(["classify"], env, input);
    expect(defaults.status, defaults.stderr).toBe(0);
    const lines = defaults.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.text)).toEqual(comments);
    expect(lines[0]).toEqual({
      text: comments[0],
      language: "en",
      themes: ["delivery_time", "damaged", "packaging"],
      matched: { delivery_time: ["late"], damaged: ["crushed"], packaging: ["box"] },
    });
    expect(lines[1]).toMatchObject({ language: "fr", themes: ["size_fit"] });
    expect(lines[3]).toMatchObject({ themes: [] });
    // A shop that changed nothing classifies as the defaults do; read through the CLI's database.
    const own = await runThemes(["classify", "--shop", shop], env, input);
    expect(own.status, own.stderr).toBe(0);
    expect(own.stdout).toBe(defaults.stdout);
    const unknown = await runThemes(["classify", "--shop", "nobody.myshopify.com"], env, input);
    expect(unknown).toMatchObject({ status: 1, stdout: "", stderr: "Unknown shop: nobody.myshopify.com\n" });
    const bad = await runThemes(["classify", "--locale", "pt"], env, input);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--locale: must be one of en, fr, de, es, nl");
  }, 120_000);
});
