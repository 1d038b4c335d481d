import { parseArgs } from "node:util";

// The answers export, read to the end, with the JavaScript heap measured after a full
// collection every 20,000 rows: a streamed export keeps it flat whatever the row count.
// npm run bench:export [-- --database-url ...], on the data `npm run bench` generates.
const { values } = parseArgs({
  options: { "database-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/nps_bench_dashboards" } },
});
process.env.DATABASE_URL = values["database-url"];
process.env.DEMO_MODE = "1";
process.env.LOG_LEVEL = "warn";
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error("Run with NODE_OPTIONS=--expose-gc");
  process.exit(2);
}
const { loader } = await import("../../app/routes/app.export.$kind");
const { closeDatabase } = await import("../../app/db.server");
const response = (await loader({
  request: new Request("http://bench.local/app/export/answers?range=all"),
  params: { kind: "answers" },
  context: {},
})) as Response;
const reader = response.body!.getReader();
let rows = -1;
let next = 20_000;
const heap: number[] = [];
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  for (const byte of value) if (byte === 10) rows++;
  if (rows >= next) {
    gc();
    heap.push(process.memoryUsage().heapUsed / 1e6);
    next += 20_000;
  }
}
console.log(
  `${rows.toLocaleString("en")} rows; heap after GC every 20,000 rows (MB): ${heap.map((h) => h.toFixed(1)).join(" ")}`,
);
await closeDatabase();
