import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { writeHistoryJsonl } from "./history-jsonl";

// History import against PostgreSQL's own bulk path, in a process of its own (its peak RSS is
// the import's): generates a Bulk Operation JSONL of --rows rows, imports it into a fresh
// database (embedded, or a database of its own on the --database-url server), then times a raw
// COPY of the same file into a one-column jsonb table on the same database as the baseline.
// Another shop's --other-shop-rows rows are imported first, untimed, as a database serving
// other shops holds them: the planner's statistics then describe that shop and not the one
// importing, which is what a real import meets (a fresh database's have no figures at all).
const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "500000" },
    "other-shop-rows": { type: "string", default: "20000" },
    "database-url": { type: "string" },
  },
});
const rows = Number(values.rows);
const otherShopRows = Number(values["other-shop-rows"]);
if (!Number.isInteger(rows) || rows < 1) {
  console.error("--rows must be a positive whole number");
  process.exit(2);
}
if (!Number.isInteger(otherShopRows) || otherShopRows < 0) {
  console.error("--other-shop-rows must be a whole number");
  process.exit(2);
}

const work = mkdtempSync(path.join(tmpdir(), "nps-bench-import-"));
const file = path.join(work, "orders.jsonl");
let serverUrl: URL | undefined;
if (values["database-url"]) {
  serverUrl = new URL(values["database-url"]);
  serverUrl.pathname = "/nps_bench_import";
  const admin = new pg.Client({ connectionString: new URL("/postgres", serverUrl).toString() });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS nps_bench_import WITH (FORCE)");
  await admin.query("CREATE DATABASE nps_bench_import");
  await admin.end();
  process.env.DATABASE_URL = serverUrl.toString();
} else {
  delete process.env.DATABASE_URL;
  process.env.PGLITE_DATA_DIR = path.join(work, "pglite");
}
process.env.LOG_LEVEL = "warn";

try {
  const generated = await writeHistoryJsonl(file, rows);
  const megabytes = statSync(file).size / 1e6;
  const { migrateDatabase, openDatabase, closeDatabase } = await import("../../app/db.server");
  const { fileLines, importOrderHistory } = await import("../../app/models/history-import.server");
  await migrateDatabase();
  const db = openDatabase();
  console.log(
    `Database: ${db.kind === "pglite" ? "embedded (PGlite)" : `PostgreSQL ${db.location}`}. ` +
      `File: ${rows.toLocaleString("en")} rows (${generated.orders.toLocaleString("en")} orders), ` +
      `${megabytes.toFixed(0)} MB.\n`,
  );

  if (otherShopRows > 0) {
    const other = path.join(work, "other-shop.jsonl");
    await writeHistoryJsonl(other, otherShopRows);
    await importOrderHistory("bench-import-other.myshopify.com", fileLines(other), { source: "FILE" });
    rmSync(other);
    console.log(`Another shop's ${otherShopRows.toLocaleString("en")} rows imported first (not timed).\n`);
  }

  const shop = "bench-import.myshopify.com";
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
  const started = performance.now();
  const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
  const importSeconds = (performance.now() - started) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;

  // The baseline: the same file, line by line, into a jsonb column. CSV with a quote and a
  // delimiter that JSON text never holds passes every line as it is.
  await db.sql.exec("DROP TABLE IF EXISTS copy_baseline; CREATE TABLE copy_baseline (doc jsonb)");
  const copyStarted = performance.now();
  let batch: string[] = [];
  let batchBytes = 0;
  for await (const lines of fileLines(file)) {
    for (const line of lines) {
      batch.push(line);
      batchBytes += line.length;
    }
    if (batchBytes >= 8 << 20) {
      await db.copyFrom(
        "copy_baseline (doc)",
        `${batch.join("\n")}\n`,
        "WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')",
      );
      batch = [];
      batchBytes = 0;
    }
  }
  if (batch.length > 0)
    await db.copyFrom(
      "copy_baseline (doc)",
      `${batch.join("\n")}\n`,
      "WITH (FORMAT csv, QUOTE e'\\x01', DELIMITER e'\\x02')",
    );
  const copySeconds = (performance.now() - copyStarted) / 1000;
  const copied = (await db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM copy_baseline")).rows[0]!.n;
  await db.sql.exec("DROP TABLE copy_baseline");

  const rate = rows / importSeconds;
  const ratio = importSeconds / copySeconds;
  const embedded = db.kind === "pglite";
  console.log(
    `Import: ${importSeconds.toFixed(1)} s, ${Math.round(rate).toLocaleString("en")} rows/s ` +
      `(${summary.orders.toLocaleString("en")} orders, ${summary.lines.toLocaleString("en")} lines, ` +
      `${summary.customers.toLocaleString("en")} customers scored, ${summary.invalidLines} invalid rows), ` +
      `peak RSS ${peakRssMb.toFixed(0)} MB (${rssBeforeMb.toFixed(0)} MB before the import began).`,
  );
  console.log(`Raw COPY of the same file into a jsonb table: ${copySeconds.toFixed(1)} s (${copied} rows).`);
  console.log(`Import / COPY: ${ratio.toFixed(1)}x.`);
  const speedOk = embedded ? ratio <= 5 : ratio <= 3 && rate >= 100_000;
  const target = embedded ? "import <= 5x its own COPY" : "import <= 3x a raw COPY and >= 100,000 rows/s";
  console.log(`Target: ${target}: ${speedOk ? "met" : "NOT met"}`);
  console.log(
    `Target: peak RSS <= 300 MB: ${peakRssMb <= 300 ? "met" : "NOT met"}` +
      (embedded ? " (the embedded database's own memory is part of the process's)" : ""),
  );
  console.log(
    `\n${JSON.stringify({ database: db.kind, rows, importSeconds, rowsPerSecond: rate, copySeconds, ratio, peakRssMb, rssBeforeMb, summary: { ...summary, errors: summary.errors.length } })}`,
  );
  process.exitCode = summary.invalidLines === 0 && copied === rows ? 0 : 1;
  await closeDatabase();
} finally {
  rmSync(work, { recursive: true, force: true });
}
