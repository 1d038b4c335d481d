import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { orderPayloadForBench } from "./bench/orders";
import { signedWebhook } from "./bench/webhooks";
import { latencySummary, openLoop } from "./bench/load";
import { startApp } from "./bench/app";
import { exitAfterOutput } from "./lib/output";

// npm run bench -- [--only webhooks|dashboards|import|rfm|themes|web-vitals] [--rate 100] [--seconds 60]
//                  [--database-url postgres://...] [--profile <folder for the app's .cpuprofile>]
//                  [--dashboards-database-url postgres://...] [--reseed] [--runs 40] [--statements]
//                  [--rows 500000] [--other-shop-rows 20000] [--workers N (PostgreSQL: background work in N worker processes)]
//                  [--pages /app/detractors,/app/value (web-vitals: only these pages)]
// Dashboards (scripts/bench/dashboards.ts), history import (scripts/bench/import.ts, on the
// --database-url server or the embedded database) and RFM (scripts/bench/rfm.ts, on the
// dashboards' shop) and comment themes (scripts/bench/themes.ts: quality on the labelled
// comments and comments classified per second) run after the webhooks, each in a process of
// its own. Web Vitals of the admin pages (scripts/bench/web-vitals.ts) run only when asked.
// Webhook intake: signed orders/create at a steady rate on loopback (open loop: a request
// leaves on schedule whether or not earlier ones have answered), against a baseline of the
// same HTTP stack answering GET /healthz at the same rate; then checks that every order and
// its invitation exist exactly once, though a tenth of the orders were delivered twice.
const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "100" },
    seconds: { type: "string", default: "60" },
    "database-url": { type: "string" },
    "dashboards-database-url": { type: "string" },
    reseed: { type: "boolean", default: false },
    runs: { type: "string" },
    statements: { type: "boolean", default: false },
    only: { type: "string" },
    profile: { type: "string" },
    rows: { type: "string", default: "500000" },
    "other-shop-rows": { type: "string", default: "20000" },
    workers: { type: "string", default: "0" },
    pages: { type: "string" },
  },
});
const PARTS = ["webhooks", "dashboards", "import", "rfm", "themes", "web-vitals"];
if (values.only !== undefined && !PARTS.includes(values.only)) {
  console.error(`--only must be one of ${PARTS.join(", ")}`);
  process.exit(2);
}

function runDashboards(): number {
  const args = ["scripts/bench/dashboards.ts"];
  if (values["dashboards-database-url"]) args.push("--database-url", values["dashboards-database-url"]);
  if (values.reseed) args.push("--reseed");
  if (values.runs) args.push("--runs", values.runs);
  if (values.statements) args.push("--statements");
  console.log("\n== Dashboards ==\n");
  return spawnSync(path.resolve("node_modules/.bin/tsx"), args, { stdio: "inherit" }).status ?? 1;
}

function runImport(): number {
  const args = ["scripts/bench/import.ts", "--rows", values.rows!, "--other-shop-rows", values["other-shop-rows"]!];
  const url = values["database-url"] ?? process.env.BENCH_DATABASE_URL;
  if (url) args.push("--database-url", url);
  console.log("\n== History import ==\n");
  // As `npm run import` runs: a young generation of 16 MB keeps a long import's heap from
  // growing between full collections (docs/decisions/009-history-import-bulk-path.md).
  const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-semi-space-size=16`.trim() };
  return spawnSync(path.resolve("node_modules/.bin/tsx"), args, { stdio: "inherit", env }).status ?? 1;
}

function runRfm(): number {
  const args = ["scripts/bench/rfm.ts"];
  if (values["dashboards-database-url"]) args.push("--database-url", values["dashboards-database-url"]);
  console.log("\n== RFM ==\n");
  return spawnSync(path.resolve("node_modules/.bin/tsx"), args, { stdio: "inherit" }).status ?? 1;
}

function runWebVitals(): number {
  const args = ["scripts/bench/web-vitals.ts"];
  if (values.runs) args.push("--runs", values.runs);
  if (values.pages) args.push("--pages", values.pages);
  console.log("\n== Web Vitals of the admin pages ==\n");
  return spawnSync(path.resolve("node_modules/.bin/tsx"), args, { stdio: "inherit" }).status ?? 1;
}

function runThemes(): number {
  console.log("\n== Comment themes ==");
  return (
    spawnSync(path.resolve("node_modules/.bin/tsx"), ["scripts/bench/themes.ts"], { stdio: "inherit" }).status ?? 1
  );
}

if (values.only === "dashboards") await exitAfterOutput(runDashboards());
if (values.only === "import") await exitAfterOutput(runImport());
if (values.only === "rfm") await exitAfterOutput(runRfm());
if (values.only === "themes") await exitAfterOutput(runThemes());
if (values.only === "web-vitals") await exitAfterOutput(runWebVitals());
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const workers = Number(values.workers);
if (
  !Number.isInteger(workers) ||
  workers < 0 ||
  (workers > 0 && !(values["database-url"] ?? process.env.BENCH_DATABASE_URL))
) {
  console.error("--workers must be a whole number, and needs PostgreSQL (--database-url)");
  process.exit(2);
}
if (!Number.isInteger(rate) || rate < 1 || !Number.isFinite(seconds) || seconds <= 0) {
  console.error("--rate must be a whole number of requests per second and --seconds a positive number");
  process.exit(2);
}

console.log("== Webhook intake ==\n");
const SHOP = `bench-${Date.now()}.myshopify.com`;
const dataRoot = mkdtempSync(path.join(tmpdir(), "nps-bench-"));
const app = await startApp({
  dataRoot,
  databaseUrl: values["database-url"] ?? process.env.BENCH_DATABASE_URL,
  profileDir: values.profile ? path.resolve(values.profile) : undefined,
  workers,
});
try {
  const total = Math.round(rate * seconds);
  console.log(
    `Database: ${app.database}${workers > 0 ? `, background work in ${workers} worker process(es)` : ""}. ` +
      `${total} requests at ${rate}/s for each measurement.\n`,
  );

  const baseline = await openLoop(rate, total, () => fetch(`${app.url}/healthz`));
  let n = 0;
  const intake = await openLoop(rate, total, (i) => {
    // Every tenth request repeats the previous order under a new webhook id, as Shopify's retries do.
    const index = i % 10 === 9 ? n - 1 : n++;
    return fetch(signedWebhook(app.url, SHOP, app.secret, orderPayloadForBench(index)));
  });

  // The backlog: from the last answer until every delivery is applied.
  const answeredAt = performance.now();
  for (;;) {
    const health = (await (await fetch(`${app.url}/healthz`)).json()) as { pendingWebhooks: number };
    if (health.pendingWebhooks === 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const backlogMs = performance.now() - answeredAt;
  const counts = await app.stats(SHOP);
  const report = {
    database: app.database,
    rate,
    requests: total,
    baseline: latencySummary(baseline),
    webhookIntake: latencySummary(intake),
    backlogMs,
    orders: counts.orders,
    ordersExpected: n,
    invitations: Object.values(counts.invitations).reduce((a, b) => a + b, 0),
  };
  const line = (name: string, s: ReturnType<typeof latencySummary>) =>
    `${name.padEnd(26)} p50 ${s.p50.toFixed(1).padStart(6)} ms   p99 ${s.p99.toFixed(1).padStart(6)} ms   max ${s.max
      .toFixed(1)
      .padStart(6)} ms   errors ${s.errors}`;
  console.log(line("baseline GET /healthz", report.baseline));
  console.log(line("signed orders/create", report.webhookIntake));
  console.log(
    `\nOrders stored: ${report.orders} of ${report.ordersExpected}; invitations: ${report.invitations} ` +
      `(one per order expected).`,
  );
  const ratio = report.webhookIntake.p99 / report.baseline.p99;
  console.log(
    `p99 ratio to /healthz: ${ratio.toFixed(1)}x; backlog applied ${backlogMs.toFixed(0)} ms after the last answer.`,
  );
  const ok = report.orders === n && report.invitations === n && report.webhookIntake.errors === 0 && ratio <= 4;
  console.log(
    `Target: every request answered, p99 <= 4x the p99 of /healthz, every order and invitation exactly once: ${
      ok ? "met" : "NOT met"
    }`,
  );
  console.log(`\n${JSON.stringify(report)}`);
  process.exitCode = report.orders === n && report.invitations === n ? 0 : 1;
} finally {
  await app.stop();
  rmSync(dataRoot, { recursive: true, force: true });
}
if (values.only !== "webhooks") {
  for (const part of [runImport, runDashboards, runRfm, runThemes]) if (part() !== 0) process.exitCode = 1;
}
