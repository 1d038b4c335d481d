import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import {
  claimImport,
  fileLines,
  ImportAlreadyReadError,
  importOrderHistory,
  releaseStalledImports,
} from "../app/models/history-import.server";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { writeHistoryJsonl } from "../scripts/bench/history-jsonl";
import { orderPayload } from "./orders";
import { callAction, uniqueShop, webhookRequest } from "./shopify";
import { waitFor } from "./wait";

let dir: string;
let jsonl: string;
let fileOrders: number;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "nps-history-"));
  jsonl = path.join(dir, "orders.jsonl");
  // More than two staging chunks, so that chunks are applied while later ones are read.
  fileOrders = (await writeHistoryJsonl(jsonl, 45_000)).orders;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Staging tables left in the database, but for those of imports of other test files' shops
 * (files run at once on one database, and theirs may still be in flight).
 */
const stagingTables = async () =>
  (
    await prisma.$queryRaw<{ name: string }[]>`
      SELECT t.tablename::text AS name FROM pg_tables t
      WHERE t.tablename::text ~ '^import_staged_(orders|lines)_[0-9]+$'
        AND NOT EXISTS (SELECT 1 FROM history_imports h
                        WHERE h.id::text = substring(t.tablename::text from '[0-9]+$')
                          AND h.shop NOT LIKE 'history-%')`
  ).map((t) => t.name);

describe("importing order history on PostgreSQL's bulk path", () => {
  it("loses and doubles nothing while orders/create webhooks for the same and new orders arrive", async () => {
    const shop = uniqueShop("history");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n");
    // Orders of the file that Shopify also announces now, newer than the file's rows, and new ones.
    const fileIds = [3, 500, 4_000, fileOrders - 1];
    const payloads = [
      ...fileIds.map((id) =>
        orderPayload((p) => {
          p.id = id;
          p.admin_graphql_api_id = `gid://shopify/Order/${id}`;
          p.updated_at = "2026-12-01T10:00:00Z";
          p.current_total_price = "777.77";
          p.current_total_price_set.shop_money.amount = "777.77";
        }),
      ),
      ...Array.from({ length: 6 }, () => orderPayload((p) => (p.updated_at = "2026-12-01T10:00:00Z"))),
    ];
    const importing = importOrderHistory(shop, fileLines(jsonl), { source: "FILE" });
    for (const p of payloads) {
      const res = await callAction(ordersCreate, webhookRequest("orders/create", p, { shop }));
      expect(res.status).toBe(200);
    }
    const summary = await importing;

    expect(summary).toMatchObject({ rows: rows.length, invalidLines: 0 });
    const orders = await prisma.order.findMany({
      where: { shop },
      select: { shopifyId: true, currentTotal: true, lines: { select: { shopifyLineId: true } } },
    });
    expect(orders.length).toBe(fileOrders + 6);
    const byId = new Map(orders.map((o) => [Number(o.shopifyId), o]));
    for (const id of fileIds) {
      // The newer webhook wins, with its own lines only, whichever came first.
      const webhook = payloads.find((p) => p.id === id)!;
      expect(byId.get(id)!.currentTotal.toString()).toBe("777.77");
      // The file's line ids are below a billion; the example payload's are not.
      const lines = byId.get(id)!.lines;
      expect(lines.length).toBe(webhook.line_items.length);
      expect(lines.every((l) => l.shopifyLineId! > 1_000_000_000n)).toBe(true);
    }
    // Every other order has exactly the file's lines.
    const fileLineCount = rows.filter((r) => r.includes("__parentId")).length;
    const otherLines = orders
      .filter((o) => o.shopifyId < 1_000_000_000n && !fileIds.includes(Number(o.shopifyId)))
      .reduce((n, o) => n + o.lines.length, 0);
    const fileIdsLines = rows.filter((r) => fileIds.some((id) => r.includes(`"gid://shopify/Order/${id}"}`))).length;
    expect(otherLines).toBe(fileLineCount - fileIdsLines);
    // Invitations for the webhooks' orders only (history schedules none), once per stage.
    const webhookOrders = await prisma.order.findMany({
      where: { shop, shopifyId: { in: payloads.map((p) => BigInt(p.id)) } },
      select: { id: true },
    });
    const invitations = await prisma.surveyInvitation.groupBy({
      by: ["orderId", "stage"],
      where: { shop },
      _count: true,
    });
    expect(new Set(invitations.map((i) => i.orderId))).toEqual(new Set(webhookOrders.map((o) => o.id)));
    expect(invitations.every((i) => i._count === 1)).toBe(true);
    expect(await stagingTables()).toEqual([]);
  }, 180_000);

  it("reports a row the database refuses with its line number, imports the rest, and leaves no staging behind", async () => {
    const shop = uniqueShop("history");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n").slice(0, 300);
    const order = JSON.parse(rows[0]!);
    // Valid to the schema, but an offset PostgreSQL does not take (it stops at 15:59): only the
    // database can refuse it.
    rows.splice(
      6,
      0,
      JSON.stringify({ ...order, id: "gid://shopify/Order/99999999", createdAt: "2024-06-01T00:00:00+23:59" }),
    );
    const file = path.join(dir, "refused.jsonl");
    writeFileSync(file, rows.join("\n"));
    const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(summary.invalidLines).toBe(1);
    expect(summary.errors[0]).toMatchObject({ line: 7 });
    expect(summary.errors[0]!.message).toMatch(/refused by the database/);
    expect(summary.orders + summary.lines + summary.invalidLines).toBe(rows.length);
    expect(await prisma.order.count({ where: { shop, shopifyId: 99999999n } })).toBe(0);
    expect(await stagingTables()).toEqual([]);
  }, 60_000);

  it("reports by line the rows the database could not index or read back, and imports the rest", async () => {
    const shop = uniqueShop("history");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n").slice(0, 40);
    const order = JSON.parse(rows.find((r) => !r.includes("__parentId"))!);
    const line = JSON.parse(rows.find((r) => r.includes("__parentId"))!);
    const bad = [
      // An email or a vendor longer than an index entry can hold failed the whole chunk.
      { ...order, id: "gid://shopify/Order/90000001", email: `${"x".repeat(3000)}@example.org` },
      { ...line, id: "gid://shopify/LineItem/90000002", vendor: "v".repeat(3000) },
      // The same order as gid …/5 to the database: two rows for one in a single upsert.
      { ...order, id: `gid://shopify/Order/0${order.id.split("/").pop()}` },
      // The year 10000 once its offset is applied: stored, then unreadable as a Date.
      { ...order, id: "gid://shopify/Order/90000003", createdAt: "9999-12-31T23:59:59.999-14:00" },
    ];
    const file = path.join(dir, "bounds.jsonl");
    writeFileSync(file, [...rows, ...bad.map((b) => JSON.stringify(b))].join("\n"));
    const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(summary.errors.map((e) => e.line)).toEqual([41, 42, 43, 44]);
    expect(summary.orders + summary.lines + summary.invalidLines).toBe(rows.length + bad.length);
    const run = await prisma.historyImport.findFirstOrThrow({ where: { shop } });
    expect(run.status).toBe("COMPLETED");
    expect(await prisma.order.count({ where: { shop } })).toBe(rows.filter((r) => !r.includes("__parentId")).length);
  }, 60_000);

  it("reports a line item whose order is nowhere by its line, and adds a line to an order stored earlier", async () => {
    const shop = uniqueShop("history");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n").slice(0, 30);
    const line = JSON.parse(rows.find((r) => r.includes("__parentId"))!);
    // An order the shop has from a webhook, which the file does not hold.
    const stored = orderPayload((p) => {
      p.id = 93000000;
      p.admin_graphql_api_id = "gid://shopify/Order/93000000";
    });
    expect((await callAction(ordersCreate, webhookRequest("orders/create", stored, { shop }))).status).toBe(200);
    const file = path.join(dir, "orphans.jsonl");
    writeFileSync(
      file,
      [
        ...rows,
        JSON.stringify({ ...line, id: "gid://shopify/LineItem/93000001", __parentId: "gid://shopify/Order/92000000" }),
        JSON.stringify({ ...line, id: "gid://shopify/LineItem/93000002", __parentId: "gid://shopify/Order/93000000" }),
      ].join("\n"),
    );
    const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(summary.errors).toEqual([{ line: 31, message: "line item before (or without) its order 92000000" }]);
    expect(summary.orders + summary.lines + summary.invalidLines).toBe(rows.length + 2);
    const added = await prisma.orderLine.findMany({
      where: { shop, shopifyLineId: { in: [93000001n, 93000002n] } },
      select: { shopifyLineId: true, order: { select: { shopifyId: true } } },
    });
    expect(added).toEqual([{ shopifyLineId: 93000002n, order: { shopifyId: 93000000n } }]);
  }, 60_000);

  it("imports a file that repeats a chunk's orders, newer and the other way round, in the next chunk", async () => {
    // A chunk's orders go in while the previous chunk's lines do: the same orders locked in
    // opposite orders, which PostgreSQL ends as a deadlock by failing one of the two.
    const shop = uniqueShop("history");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n");
    const order = JSON.parse(rows[0]!);
    const line = JSON.parse(rows[1]!);
    const count = 10_000;
    const version = (n: number, updatedAt: string, lineId: number) => [
      JSON.stringify({ ...order, id: `gid://shopify/Order/${94_000_000 + n}`, name: `#${updatedAt}`, updatedAt }),
      JSON.stringify({
        ...line,
        id: `gid://shopify/LineItem/${lineId}`,
        __parentId: `gid://shopify/Order/${94_000_000 + n}`,
      }),
    ];
    const ids = Array.from({ length: count }, (_, i) => i + 1);
    const file = path.join(dir, "repeated-chunks.jsonl");
    writeFileSync(
      file,
      [
        ...ids.flatMap((n) => version(n, "2026-03-01T00:00:00Z", 95_000_000 + n)),
        ...ids.reverse().flatMap((n) => version(n, "2026-03-02T00:00:00Z", 96_000_000 + n)),
      ].join("\n"),
    );
    // Again, as an interrupted import is: now every order is there, and the upserts lock them.
    for (let run = 0; run < 2; run++) {
      const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
      expect(summary).toMatchObject({ invalidLines: 0, orders: 2 * count, lines: 2 * count });
    }
    const runs = await prisma.historyImport.findMany({ where: { shop }, select: { status: true } });
    expect(runs).toEqual([{ status: "COMPLETED" }, { status: "COMPLETED" }]);
    expect(await prisma.order.count({ where: { shop, name: "#2026-03-02T00:00:00Z" } })).toBe(count);
    // Each order keeps the lines of its newer row only.
    const lines = await prisma.orderLine.findMany({ where: { shop }, select: { shopifyLineId: true } });
    expect(lines.length).toBe(count);
    expect(lines.every((l) => l.shopifyLineId! > 96_000_000n)).toBe(true);
  }, 180_000);

  it("keeps the newest row of an order the file repeats, with that row's lines, whichever comes first", async () => {
    const shop = uniqueShop("history");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n");
    const order = { ...JSON.parse(rows[0]!), id: "gid://shopify/Order/91000000" };
    const line = (id: number, quantity: number) =>
      JSON.stringify({ ...JSON.parse(rows[1]!), id: `gid://shopify/LineItem/${id}`, quantity, __parentId: order.id });
    const file = path.join(dir, "repeated.jsonl");
    writeFileSync(
      file,
      [
        JSON.stringify({ ...order, name: "#new", updatedAt: "2026-03-02T00:00:00Z" }),
        line(911, 9),
        line(913, 1),
        JSON.stringify({ ...order, name: "#old", updatedAt: "2026-03-01T00:00:00Z" }),
        line(911, 1),
        line(912, 1),
      ].join("\n"),
    );
    await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    const stored = await prisma.order.findFirstOrThrow({
      where: { shop },
      select: {
        name: true,
        lines: { select: { shopifyLineId: true, quantity: true }, orderBy: { shopifyLineId: "asc" } },
      },
    });
    expect(stored).toEqual({
      name: "#new",
      lines: [
        { shopifyLineId: 911n, quantity: 9 },
        { shopifyLineId: 913n, quantity: 1 },
      ],
    });
  }, 60_000);

  it("lets one poll read a Bulk Operation's file: a second read of the same run is refused and changes nothing", async () => {
    const shop = uniqueShop("history");
    const runId = await claimImport(shop, "BULK_OPERATION", "gid://shopify/BulkOperation/42");
    const rows = readFileSync(jsonl, "utf8").trim().split("\n").slice(0, 3000);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    async function* slowly() {
      yield rows.slice(0, 1000);
      await held;
      yield rows.slice(1000);
    }
    const first = importOrderHistory(shop, slowly(), { source: "BULK_OPERATION", runId });
    await waitFor(
      "the first read to start",
      async () => (await prisma.historyImport.findUniqueOrThrow({ where: { id: runId } })).rowsStartedAt !== null,
    );
    await expect(
      importOrderHistory(shop, fileLines(jsonl), { source: "BULK_OPERATION", runId }),
    ).rejects.toBeInstanceOf(ImportAlreadyReadError);
    release();
    const summary = await first;
    expect(summary).toMatchObject({ rows: 3000, invalidLines: 0 });
    expect((await prisma.historyImport.findUniqueOrThrow({ where: { id: runId } })).status).toBe("COMPLETED");
    expect(await stagingTables()).toEqual([]);
  }, 60_000);

  it("frees the shop's import for a run whose process ended: a file's fails, a Bulk Operation's is read again", async () => {
    const shop = uniqueShop("history");
    const file = path.join(dir, "after-crash.jsonl");
    writeFileSync(file, readFileSync(jsonl, "utf8").split("\n").slice(0, 20).join("\n"));
    const dead = await claimImport(shop, "FILE", null);
    const beat = (id: number, minutesAgo: number) =>
      prisma.historyImport.update({
        where: { id },
        data: { rowsStartedAt: new Date(), heartbeatAt: new Date(Date.now() - minutesAgo * 60_000) },
      });
    // Still reading a minute ago: the shop's slot stays taken.
    await beat(dead, 1);
    await expect(importOrderHistory(shop, fileLines(file), { source: "FILE" })).rejects.toThrow(/already running/);
    // Silent for eleven minutes: its process ended.
    await beat(dead, 11);
    const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(summary.invalidLines).toBe(0);
    expect(await prisma.historyImport.findUniqueOrThrow({ where: { id: dead } })).toMatchObject({
      status: "FAILED",
      runningShop: null,
      errors: [{ line: 0, message: "stopped: the process reading the file ended" }],
    });

    const bulkShop = uniqueShop("history");
    const bulk = await claimImport(bulkShop, "BULK_OPERATION", "gid://shopify/BulkOperation/7");
    await beat(bulk, 11);
    expect(await releaseStalledImports()).toBeGreaterThanOrEqual(1);
    expect(await prisma.historyImport.findUniqueOrThrow({ where: { id: bulk } })).toMatchObject({
      status: "RUNNING",
      rowsStartedAt: null,
    });
  }, 60_000);

  it("drops the staging tables an interrupted run left, when the next import starts", async () => {
    const shop = uniqueShop("history");
    await prisma.$executeRawUnsafe("CREATE UNLOGGED TABLE import_staged_orders_987654 (LIKE import_staged_orders)");
    const file = path.join(dir, "small.jsonl");
    writeFileSync(file, readFileSync(jsonl, "utf8").split("\n").slice(0, 20).join("\n"));
    await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(await stagingTables()).toEqual([]);
  }, 60_000);
});
