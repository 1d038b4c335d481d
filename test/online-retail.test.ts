import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { segmentFor, type Score } from "../app/domain/rfm";
import { fileLines, importOrderHistory } from "../app/models/history-import.server";
import { computeRfm, listRfm } from "../app/models/rfm.server";
import { getShopStats } from "../app/models/stats.server";
import { convertOnlineRetail } from "../scripts/lib/online-retail";
import { ROOT } from "./process";
import { uniqueShop } from "./shopify";
import { waitFor } from "./wait";

const CSV = path.join(ROOT, "test/fixtures/online-retail/online-retail-30k.csv");
const AS_OF = "2011-12-10";

let dir: string;
let jsonl: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "nps-retail-"));
  jsonl = path.join(dir, "orders.jsonl");
  await convertOnlineRetail(CSV, jsonl);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The same rows with every line item moved to the end of the file: still after its order. */
function linesLast(file: string): string {
  const rows = readFileSync(file, "utf8").trim().split("\n");
  const out = path.join(dir, `lines-last-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(
    out,
    [...rows.filter((r) => !r.includes("__parentId")), ...rows.filter((r) => r.includes("__parentId"))].join("\n"),
  );
  return out;
}

describe("importing the Online Retail history and scoring RFM", () => {
  it("agrees exactly, for every customer, with an independent SQL computation", async () => {
    const shop = uniqueShop("retail");
    const summary = await importOrderHistory(shop, fileLines(linesLast(jsonl)), { source: "FILE" });
    expect(summary).toMatchObject({ orders: 12392, lines: 29975, invalidLines: 0 });
    await computeRfm(shop, AS_OF);
    const app = await listRfm(shop, AS_OF);

    // Written from the definition in docs/rfm-segments.md, not from the app's query.
    const independent = await prisma.$queryRaw<
      Array<{
        customer_id: string;
        recency_days: number;
        frequency: number;
        monetary: string;
        r: number;
        f: number;
        m: number;
      }>
    >`
      WITH counted_orders AS (
        SELECT c.shopify_id, o.current_total, (o.order_created_at AT TIME ZONE 'UTC')::date AS day
        FROM orders o JOIN customers c ON c.id = o.customer_id
        WHERE o.shop = ${shop} AND o.cancelled_at IS NULL AND o.test = false
          AND (o.order_created_at AT TIME ZONE 'UTC')::date <= ${AS_OF}::date
      ),
      v AS (
        SELECT shopify_id, ${AS_OF}::date - max(day) AS recency_days, count(*)::int AS frequency,
               sum(current_total) AS monetary
        FROM counted_orders GROUP BY shopify_id
      ),
      total AS (SELECT count(*)::numeric AS n FROM v)
      SELECT v.shopify_id::text AS customer_id, v.recency_days, v.frequency, v.monetary::text AS monetary,
             ceil(5 * (SELECT count(*) FROM v w WHERE w.recency_days >= v.recency_days) / total.n)::int AS r,
             ceil(5 * (SELECT count(*) FROM v w WHERE w.frequency <= v.frequency) / total.n)::int AS f,
             ceil(5 * (SELECT count(*) FROM v w WHERE w.monetary <= v.monetary) / total.n)::int AS m
      FROM v, total ORDER BY v.shopify_id`;

    expect(app.length).toBe(independent.length);
    expect(app.length).toBeGreaterThan(3000);
    expect(app).toEqual(
      independent.map((row) => ({ ...row, segment: segmentFor(row.r as Score, row.f as Score, row.m as Score) })),
    );
    // Every segment but Prospects appears in real data.
    expect(new Set(app.map((r) => r.segment)).size).toBe(10);
  }, 120_000);

  it("gives the same data when the same file is imported twice, or again after an interrupted run", async () => {
    const once = uniqueShop("retail");
    await importOrderHistory(once, fileLines(jsonl), { source: "FILE" });
    const twice = uniqueShop("retail");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n");
    const half = path.join(dir, "half.jsonl");
    writeFileSync(half, rows.slice(0, Math.floor(rows.length / 2)).join("\n"));
    await importOrderHistory(twice, fileLines(half), { source: "FILE" });
    await importOrderHistory(twice, fileLines(jsonl), { source: "FILE" });
    await importOrderHistory(twice, fileLines(jsonl), { source: "FILE" });
    const [a, b] = [await getShopStats(once), await getShopStats(twice)];
    expect({ ...b, shop: once }).toEqual(a);
    expect(a).toMatchObject({ orders: 12392, orderLines: 29975 });
  }, 120_000);

  it("reports malformed rows by line number and imports the valid rest", async () => {
    const shop = uniqueShop("retail");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n").slice(0, 200);
    rows.splice(4, 0, "{not json");
    const badLine = JSON.parse(rows.find((r) => r.includes("__parentId"))!);
    rows.splice(9, 0, JSON.stringify({ ...badLine, quantity: "two" }));
    rows.splice(
      20,
      0,
      JSON.stringify({ ...badLine, id: "gid://shopify/LineItem/1", __parentId: "gid://shopify/Order/1" }),
    );
    const file = path.join(dir, "bad.jsonl");
    writeFileSync(file, rows.join("\n"));
    const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(summary.invalidLines).toBe(3);
    expect(summary.errors.map((e) => e.line)).toEqual([5, 10, 21]);
    expect(summary.errors[1]!.message).toContain("quantity");
    expect(summary.orders + summary.lines + summary.invalidLines).toBe(rows.length);
  }, 60_000);

  it("refuses a second import of a shop while one runs", async () => {
    const shop = uniqueShop("retail");
    const first = importOrderHistory(shop, fileLines(jsonl), { source: "FILE" });
    await waitFor("the first import to take the shop's slot", () =>
      prisma.historyImport.count({ where: { shop, runningShop: shop } }).then((n) => n > 0),
    );
    await expect(importOrderHistory(shop, fileLines(jsonl), { source: "FILE" })).rejects.toThrow(/already running/);
    await first;
  }, 120_000);
});
