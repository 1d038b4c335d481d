import pg from "pg";
import { openDemoShopDatabase } from "./demo-shop-db";

// Where a page's time goes: its loader's statements, each with EXPLAIN ANALYZE (per-node timings with
// TIMING=1; they cost a clock read per row, which inflates them on virtual machines), slowest first.
// npx tsx scripts/bench/explain-page.ts <path> [database url]
const path = process.argv[2] ?? "/app/themes";
const url = new URL(process.argv[3] ?? "postgres://postgres@127.0.0.1:5432/nps_bench_dashboards");
const { db, closeDatabase } = await openDemoShopDatabase(url);
const routes: Record<string, string> = {
  "/app": "app._index",
  "/app/themes": "app.themes._index",
  "/app/themes/no-theme": "app.themes.no-theme",
  "/app/value": "app.value",
  "/app/brands": "app.brands._index",
  "/app/segments": "app.segments",
  "/app/detractors": "app.detractors",
};
const pathname = new URL(`http://x${path}`).pathname;
const params: Record<string, string> = {};
let route = routes[pathname];
if (!route && pathname.startsWith("/app/themes/")) [route, params.key] = ["app.themes.$key", pathname.split("/")[3]!];
if (!route && pathname.startsWith("/app/brands/"))
  [route, params.vendor] = ["app.brands.$vendor", decodeURIComponent(pathname.split("/")[3]!)];
const mod = (await import(`../../app/routes/${route}.tsx`)) as {
  loader: (a: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;
};
const statements: Array<{ text: string; values: unknown[] }> = [];
const original = db.sql.query.bind(db.sql);
db.sql.query = (async (text: string, values?: unknown[]) => {
  statements.push({ text, values: values ?? [] });
  return original(text, values);
}) as typeof db.sql.query;
await mod.loader({ request: new Request(`http://bench.local${path}`), params, context: {} });
db.sql.query = original;
const client = new pg.Client({ connectionString: url.toString() });
await client.connect();
await client.query("SET jit = off; SET max_parallel_workers_per_gather = 0");
const out = [];
for (const s of statements) {
  await client.query(s.text, s.values);
  const plan = await client.query(
    `EXPLAIN (ANALYZE, BUFFERS, TIMING ${process.env.TIMING ? "ON" : "OFF"}) ${s.text}`,
    s.values,
  );
  const lines = plan.rows.map((r) => r["QUERY PLAN"] as string);
  const ms = Number(/Execution Time: ([\d.]+)/.exec(lines.at(-1)!)?.[1] ?? 0);
  out.push({ ms, text: s.text, lines });
}
out.sort((a, b) => b.ms - a.ms);
for (const o of out.slice(0, Number(process.env.TOP ?? 3))) {
  console.log(`==== ${o.ms} ms\n${o.text}\n${o.lines.join("\n")}\n`);
}
for (const o of out) console.log(`${o.ms.toFixed(1).padStart(7)} ms  ${o.text.replace(/\s+/g, " ").slice(0, 120)}`);
await client.end();
await closeDatabase();
