import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { fileLines, importOrderHistory } from "../app/models/history-import.server";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { writeHistoryJsonl } from "../scripts/bench/history-jsonl";
import { orderPayload } from "./orders";
import { callAction, uniqueShop, webhookRequest } from "./shopify";

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

const stagingTables = async () =>
  (
    await prisma.$queryRaw<{ name: string }[]>`
      SELECT tablename::text AS name FROM pg_tables WHERE tablename::text ~ '^import_staged_(orders|lines)_[0-9]+$'`
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
    // Valid to the schema, but a date PostgreSQL cannot store: only the database can refuse it.
    rows.splice(
      6,
      0,
      JSON.stringify({ ...order, id: "gid://shopify/Order/99999999", createdAt: "0000-01-01T00:00:00Z" }),
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

  it("drops the staging tables an interrupted run left, when the next import starts", async () => {
    const shop = uniqueShop("history");
    await prisma.$executeRawUnsafe("CREATE UNLOGGED TABLE import_staged_orders_987654 (LIKE import_staged_orders)");
    const file = path.join(dir, "small.jsonl");
    writeFileSync(file, readFileSync(jsonl, "utf8").split("\n").slice(0, 20).join("\n"));
    await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(await stagingTables()).toEqual([]);
  }, 60_000);
});
