import { beforeAll, describe, expect, it } from "vitest";
import prisma from "../db.server";
import { seedDemoShop } from "../demo/seed.server";
import { DEFAULT_THEMES } from "../domain/theme-taxonomy";
import type { AnalyticsFilters } from "../domain/analytics-filters";
import { examplePayload, uniqueShop } from "../../test/shopify";
import type { CustomersRedact } from "../domain/compliance";
import { countFromAnswersOnly } from "./analytics.server";
import { redactCustomer } from "./compliance.server";
import { estimateMean, loadCustomerWorth, refreshCustomerWorth } from "./customer-worth.server";
import { classifyPendingComments, resetShopTheme, saveShopTheme } from "./themes.server";

// Sums of floats added in another order differ in their last bits: numbers are compared to
// a relative 1e-9, everything else exactly.
function expectClose(actual: unknown, expected: unknown, path = "$"): void {
  if (typeof actual === "number" && typeof expected === "number") {
    const scale = Math.max(1, Math.abs(actual), Math.abs(expected));
    if (Math.abs(actual - expected) > 1e-9 * scale) expect.fail(`${path}: ${actual} is not ${expected}`);
  } else if (actual && expected && typeof actual === "object" && typeof expected === "object") {
    expect(Object.keys(actual), path).toEqual(Object.keys(expected));
    for (const [k, v] of Object.entries(actual))
      expectClose(v, (expected as Record<string, unknown>)[k], `${path}.${k}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

describe("estimateMean", () => {
  it("gives the mean with a normal 95% interval from the sample standard deviation", () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample sd 2.138.
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    const m = estimateMean(
      values.length,
      values.reduce((a, b) => a + b, 0),
      values.reduce((a, b) => a + b * b, 0),
    );
    expect(m.mean).toBe(5);
    expect(m.ciHigh! - 5).toBeCloseTo((1.959963984540054 * 2.1380899352993947) / Math.sqrt(8), 10);
    expect(estimateMean(0, 0, 0)).toEqual({ n: 0, mean: null, ciLow: null, ciHigh: null });
  });
});

describe("what customers are worth", () => {
  const shop = uniqueShop("worth");
  beforeAll(async () => {
    await seedDemoShop({ shop, orders: 3000, customers: 600, settings: { minAnswers: 10 } });
    while ((await classifyPendingComments(5000)) > 0);
  }, 180_000);

  it("counts reorders and revenue after each answered order as the orders themselves say", async () => {
    const worth = await loadCustomerWorth(shop, { range: "all" });
    // The same, counted another way: per answered order's latest answer, its customer's later orders.
    const expected = await prisma.$queryRaw<
      Array<{ category: string; n90: number; re90: number; rev90: number; n180: number; re180: number }>
    >`
      WITH latest AS (
        SELECT r.* FROM responses r
        WHERE r.shop = ${shop} AND r.customer_id IS NOT NULL AND r.answered_at <= now() - interval '90 days'
          AND NOT EXISTS (SELECT 1 FROM responses later WHERE later.order_id = r.order_id AND later.stage > r.stage))
      SELECT l.category::text AS category, count(*)::int AS n90,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = l.customer_id
               AND o.cancelled_at IS NULL AND NOT o.test AND o.order_created_at > l.answered_at
               AND o.order_created_at <= l.answered_at + interval '90 days'))::int AS re90,
             COALESCE(sum((SELECT sum(o.current_total) FROM orders o WHERE o.customer_id = l.customer_id
               AND o.cancelled_at IS NULL AND NOT o.test AND o.order_created_at > l.answered_at
               AND o.order_created_at <= l.answered_at + interval '90 days')), 0)::float8 AS rev90,
             count(*) FILTER (WHERE l.answered_at <= now() - interval '180 days')::int AS n180,
             count(*) FILTER (WHERE l.answered_at <= now() - interval '180 days' AND EXISTS (
               SELECT 1 FROM orders o WHERE o.customer_id = l.customer_id AND o.cancelled_at IS NULL AND NOT o.test
                 AND o.order_created_at > l.answered_at AND o.order_created_at <= l.answered_at + interval '180 days'))::int AS re180
      FROM latest l GROUP BY 1`;
    for (const g of worth.categories) {
      const e = expected.find((x) => x.category === g.key.toUpperCase())!;
      expect(g.d90.reordered).toMatchObject({ n: e.n90, successes: e.re90 });
      expect(g.d90.revenue.mean! * e.n90).toBeCloseTo(e.rev90, 2);
      expect(g.d180.reordered).toMatchObject({ n: e.n180, successes: e.re180 });
      expect(g.enough).toBe(true);
    }
    // Loyal customers answer more kindly and order more: promoters reorder more often than detractors.
    const [promoters, , detractors] = worth.categories;
    expect(promoters!.d180.reordered.rate!).toBeGreaterThan(detractors!.d180.reordered.rate!);

    // A theme's answers and the rest make up the view.
    const damaged = worth.themes.find((t) => t.key === "damaged")!;
    const all = worth.categories.reduce((s, g) => s + g.d90.reordered.n, 0);
    expect(damaged.d90.reordered.n + damaged.rest.d90.reordered.n).toBe(all);
  });

  it("adds up the last twelve months of revenue of detractors not won back", async () => {
    const worth = await loadCustomerWorth(shop, {});
    const [expected] = await prisma.$queryRaw<Array<{ customers: number; revenue: number }>>`
      SELECT count(*)::int AS customers, COALESCE(sum((SELECT sum(o.current_total) FROM orders o
               WHERE o.customer_id = c.id AND o.cancelled_at IS NULL AND NOT o.test
                 AND o.order_created_at > now() - interval '365 days')), 0)::float8 AS revenue
      FROM customers c
      CROSS JOIN LATERAL (SELECT r.id, r.category FROM responses r WHERE r.customer_id = c.id
                          ORDER BY r.answered_at DESC, r.id DESC LIMIT 1) latest
      WHERE c.shop = ${shop} AND latest.category = 'DETRACTOR'
        AND NOT EXISTS (SELECT 1 FROM follow_up_cases fc WHERE fc.response_id = latest.id AND fc.status = 'WON_BACK')`;
    expect(worth.risk.customers).toBe(expected!.customers);
    expect(worth.risk.revenue).toBeCloseTo(expected!.revenue, 2);
    expect(worth.risk.customers).toBeGreaterThan(0);
    // Segments of fewer customers than the minimum sample are left out, as on the other tables.
    expect(worth.risk.bySegment.reduce((s, g) => s + g.customers, 0)).toBeLessThanOrEqual(worth.risk.customers);
    for (const list of [worth.risk.bySegment, worth.risk.byBrand, worth.risk.byTheme]) {
      expect(list.every((g) => g.customers >= worth.minAnswers)).toBe(true);
    }
    const segments = await prisma.$queryRaw<Array<{ key: string; customers: number }>>`
      SELECT COALESCE(lower(c.segment::text), 'none') AS key, count(*)::int AS customers
      FROM customer_risks k JOIN customers c ON c.id = k.customer_id WHERE k.shop = ${shop} GROUP BY 1`;
    expect(segments.reduce((s, g) => s + g.customers, 0)).toBe(worth.risk.customers);
    expect(worth.risk.bySegment.map((g) => g.key).sort()).toEqual(
      segments
        .filter((g) => g.customers >= worth.minAnswers)
        .map((g) => g.key)
        .sort(),
    );
  });

  it("gives from its monthly sums what counting every outcome gives, whatever the view, and follows a change of themes", async () => {
    const vendor = (
      await prisma.$queryRaw<Array<{ v: string }>>`
        SELECT v FROM responses, unnest(vendors) v WHERE shop = ${shop} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`
    )[0]!.v;
    const country = (
      await prisma.$queryRaw<Array<{ c: string }>>`
        SELECT country_code AS c FROM responses WHERE shop = ${shop} AND country_code IS NOT NULL
        GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`
    )[0]!.c;
    const views: AnalyticsFilters[] = [
      { range: "all" },
      { range: "12m" },
      { from: "2025-02-11", to: "2026-07-19" },
      { range: "all", stage: "post", channel: "email" },
      { range: "all", vendor },
      { range: "12m", vendor, segment: "none" },
      { range: "all", vendor, country },
      { range: "all", country, segment: "champions" },
      { range: "all", theme: "damaged" },
    ];
    const same = async () => {
      for (const view of views) {
        const rollup = await loadCustomerWorth(shop, view);
        countFromAnswersOnly(true);
        try {
          expectClose(rollup, await loadCustomerWorth(shop, view));
        } finally {
          countFromAnswersOnly(false);
        }
      }
    };
    await same();
    // A change of themes: once every comment is read again, the sums by theme follow.
    const damaged = DEFAULT_THEMES.find((t) => t.key === "damaged")!;
    const before = (await loadCustomerWorth(shop, { range: "all" })).themes.find((t) => t.key === "damaged")!;
    await saveShopTheme(shop, { ...damaged, phrases: { ...damaged.phrases, en: [...damaged.phrases.en, "arrived"] } });
    while ((await classifyPendingComments(400)) > 0);
    const after = (await loadCustomerWorth(shop, { range: "all" })).themes.find((t) => t.key === "damaged")!;
    expect(after.d90.reordered.n).toBeGreaterThan(before.d90.reordered.n);
    await same();
    await resetShopTheme(shop, "damaged");
    while ((await classifyPendingComments(400)) > 0);
    // A customer erased: their comments' themes go, and the sums by theme with them. One with
    // no "damaged" comment, whose figure must not move: the demo's rows come in an order that
    // PostgreSQL's plans may change, so which customer that is is found, not assumed.
    const [erased] = await prisma.$queryRaw<Array<{ id: bigint; email: string | null }>>`
      SELECT c.shopify_id AS id, c.email FROM answer_outcomes x
      JOIN responses r ON r.id = x.response_id JOIN customers c ON c.id = r.customer_id
      WHERE x.shop = ${shop} AND EXISTS (SELECT 1 FROM response_themes t WHERE t.response_id = x.response_id)
        AND NOT EXISTS (SELECT 1 FROM responses r2 JOIN response_themes t2 ON t2.response_id = r2.id
                        WHERE r2.customer_id = r.customer_id AND t2.theme = 'damaged')
      ORDER BY x.response_id LIMIT 1`;
    await prisma.$transaction((tx) =>
      redactCustomer(tx, shop, {
        ...(examplePayload("customers/redact") as CustomersRedact),
        shop_domain: shop,
        customer: { id: erased!.id, email: erased!.email, phone: null },
        orders_to_redact: [],
      }),
    );
    await same();
    expectClose(
      (await loadCustomerWorth(shop, { range: "all" })).themes.find((t) => t.key === "damaged"),
      before,
    );
  }, 120_000);

  it("refreshes to the same figures, and leaves another shop's alone", async () => {
    const before = await prisma.answerOutcome.count({ where: { shop } });
    expect(before).toBeGreaterThan(0);
    const other = uniqueShop("worth");
    await seedDemoShop({ shop: other, orders: 200, customers: 60 });
    const others = await prisma.answerOutcome.findMany({ where: { shop: other }, orderBy: { responseId: "asc" } });
    expect(await refreshCustomerWorth(shop)).toMatchObject({ outcomes: before });
    expect(await prisma.answerOutcome.count({ where: { shop } })).toBe(before);
    expect(await prisma.answerOutcome.findMany({ where: { shop: other }, orderBy: { responseId: "asc" } })).toEqual(
      others,
    );
  }, 120_000);
});
