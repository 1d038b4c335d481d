import { describe, expect, it } from "vitest";
import prisma from "../db.server";
import { uniqueShop } from "../../test/shopify";
import { getShopStats } from "../models/stats.server";
import { loadUncovered } from "../models/theme-discovery.server";
import { classifyPendingComments } from "../models/themes.server";
import { DEMO_STORY } from "./content";
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

  it("has hundreds of distinct comments in five languages, whose themes tell the demo's story", async () => {
    const rows = await prisma.$queryRaw<{ locale: string; distinct: number }[]>`
      SELECT locale, count(DISTINCT comment)::int AS distinct FROM responses
      WHERE shop = ${shop} AND comment IS NOT NULL GROUP BY 1 ORDER BY 1`;
    expect(rows.map((r) => r.locale)).toEqual(["de", "en", "es", "fr", "nl"]);
    expect(rows.reduce((s, r) => s + r.distinct, 0)).toBeGreaterThanOrEqual(400);

    while ((await classifyPendingComments(5000)) > 0);
    // After delivery, the story's brand has the damage problem and the other the sizing one.
    const shares = await prisma.$queryRaw<{ brand: string; theme: string; share: number }[]>`
      SELECT b.brand, th.theme,
             avg((EXISTS (SELECT 1 FROM response_themes t WHERE t.response_id = r.id AND t.theme = th.theme))::int)::float8 AS share
      FROM responses r
      CROSS JOIN LATERAL (SELECT CASE WHEN ${DEMO_STORY.damagedBrand} = ANY(r.vendors) THEN 'damaged'
                                      WHEN ${DEMO_STORY.sizingBrand} = ANY(r.vendors) THEN 'sizing'
                                      ELSE 'other' END AS brand) b
      CROSS JOIN (VALUES ('damaged'), ('size_fit')) AS th(theme)
      WHERE r.shop = ${shop} AND r.stage = 'POST_DELIVERY' AND r.comment IS NOT NULL
      GROUP BY 1, 2`;
    const share = (brand: string, theme: string) => shares.find((x) => x.brand === brand && x.theme === theme)!.share;
    expect(share("damaged", "damaged")).toBeGreaterThan(3 * share("other", "damaged"));
    expect(share("sizing", "size_fit")).toBeGreaterThan(3 * share("other", "size_fit"));
    // The courier's week: lost parcels, far more often than in the weeks before.
    const courier = await prisma.$queryRaw<{ courier: boolean; share: number }[]>`
      SELECT r.answered_at >= date_trunc('week', now()) - ${`${DEMO_STORY.courierWeeksAgo} weeks`}::interval
               AND r.answered_at < date_trunc('week', now()) - ${`${DEMO_STORY.courierWeeksAgo - 1} weeks`}::interval
               AS courier,
             avg((EXISTS (SELECT 1 FROM response_themes t WHERE t.response_id = r.id AND t.theme = 'delivery_problem'))::int)::float8 AS share
      FROM responses r
      WHERE r.shop = ${shop} AND r.stage = 'POST_DELIVERY' AND r.comment IS NOT NULL
        AND r.answered_at >= now() - interval '16 weeks' AND r.answered_at < date_trunc('week', now()) - ${`${DEMO_STORY.courierWeeksAgo - 1} weeks`}::interval
      GROUP BY 1`;
    const week = courier.find((c) => c.courier)!.share;
    expect(week).toBeGreaterThan(2 * courier.find((c) => !c.courier)!.share);
    // Loyalty points are no default theme: the page of what no theme covers finds them.
    const { phrases } = await loadUncovered(shop, {}, "all");
    expect(phrases.some((p) => /points|punkte|puntos|punten/i.test(p.phrase))).toBe(true);
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
