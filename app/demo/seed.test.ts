import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { uniqueShop } from "../../test/shopify";
import { getShopStats } from "../models/stats.server";
import { seedDemoShop } from "./seed.server";

describe("demo seed", () => {
  const shop = uniqueShop("demo");

  it("generates a realistic shop once", async () => {
    const first = await seedDemoShop({ shop, orders: 3000, customers: 800 });
    expect(first.seeded).toBe(true);
    expect((await seedDemoShop({ shop, orders: 3000, customers: 800 })).seeded).toBe(false);

    const stats = await getShopStats(shop);
    expect(stats.orders).toBe(3000);
    expect(stats.customers).toBe(800);
    expect(stats.orderLines).toBeGreaterThan(3000);
    for (const stage of ["pre", "post"] as const) {
      const { promoter, passive, detractor } = stats.responses[stage];
      expect(promoter).toBeGreaterThan(0);
      expect(passive).toBeGreaterThan(0);
      expect(detractor).toBeGreaterThan(0);
    }
    for (const status of Object.keys(stats.cases)) expect(stats.cases[status]).toBeGreaterThan(0);
    expect(await prisma.session.count({ where: { shop, isOnline: false } })).toBe(1);
  });

  it("has a long tail of one-off buyers and a core of loyal ones", async () => {
    const rows = await prisma.$queryRaw<{ one: number; loyal: number; total: number }[]>`
      SELECT count(*) FILTER (WHERE orders_count = 1)::int AS one,
             count(*) FILTER (WHERE orders_count >= 5)::int AS loyal,
             count(*) FILTER (WHERE orders_count > 0)::int AS total
      FROM customers WHERE shop = ${shop}`;
    const { one, loyal, total } = rows[0]!;
    expect(one / total).toBeGreaterThan(0.25);
    expect(loyal).toBeGreaterThan(10);
  });

  it("scores differ by brand and drop after delivery for slow shippers", async () => {
    const rows = await prisma.$queryRaw<{ vendor: string; avg: number }[]>`
      SELECT ol.vendor, avg(r.score)::float8 AS avg
      FROM responses r JOIN order_lines ol ON ol.order_id = r.order_id
      WHERE r.shop = ${shop} AND ol.vendor IN ('Quill & Ink', 'Xeno Gaming')
      GROUP BY ol.vendor`;
    const avg = Object.fromEntries(rows.map((r) => [r.vendor, r.avg]));
    expect(avg["Quill & Ink"]!).toBeGreaterThan(avg["Xeno Gaming"]! + 1);
  });

  it("has comments in several languages", async () => {
    const rows = await prisma.$queryRaw<{ locale: string }[]>`
      SELECT DISTINCT locale FROM responses WHERE shop = ${shop} AND comment IS NOT NULL`;
    expect(rows.map((r) => r.locale).sort()).toEqual(["de", "en", "es", "fr", "nl"]);
  });
});

describe("demo segments", () => {
  it("scores the demo shop's customers into RFM segments", async () => {
    const { countSegments } = await import("../models/segments.server");
    const shop = uniqueShop("demo");
    await seedDemoShop({ shop, orders: 1500, customers: 400 });
    const segments = await countSegments(shop);
    expect(segments.length).toBeGreaterThan(5);
    expect(segments.every((s) => s.segment !== null)).toBe(true);
  });
});
