import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, prisma } from "../db.server";
import { seedDemoShop } from "../demo/seed.server";
import type { AnalyticsFilters } from "../domain/analytics-filters";
import { computeRfm } from "./rfm.server";
import { loadThemeBreakdowns, loadThemeTrends, reportThemes } from "./theme-analytics.server";
import { countUncovered } from "./theme-discovery.server";
import { classifyPendingComments, resetShopTheme, saveShopTheme, syncThemeFacts } from "./themes.server";
import { DEFAULT_THEMES } from "../domain/theme-taxonomy";
import {
  countFromAnswersOnly,
  GROUP_BYS,
  loadBrands,
  loadOverview,
  loadSegments,
  pruneRollups,
  reportNps,
  splitPeriod,
} from "./analytics.server";

const shop = "rollups.myshopify.com";

// Dashboards read whole months from rollups that triggers keep (answer_months, vendor_months,
// segment_totals, theme_months and their kin) and the edge days from the answers. Whatever the filters, period or writes,
// that must give exactly what counting every answer gives.
async function bothWays<T>(load: () => Promise<T>): Promise<{ rollup: T; raw: T }> {
  countFromAnswersOnly(false);
  const rollup = await load();
  countFromAnswersOnly(true);
  try {
    return { rollup, raw: await load() };
  } finally {
    countFromAnswersOnly(false);
  }
}

describe("splitPeriod", () => {
  it("reads whole calendar months from rollups and the days around them from answers", () => {
    expect(splitPeriod({ from: "2025-11-23", to: "2026-11-22" })).toEqual({
      months: { from: "2025-12-01", to: "2026-11-01" },
      edges: [
        { from: "2025-11-23", to: "2025-11-30" },
        { from: "2026-11-01", to: "2026-11-22" },
      ],
    });
    expect(splitPeriod({ from: "2026-01-01", to: "2026-03-31" })).toEqual({
      months: { from: "2026-01-01", to: "2026-04-01" },
      edges: [],
    });
    expect(splitPeriod({ from: null, to: "2024-02-29" })).toEqual({
      months: { from: null, to: "2024-03-01" },
      edges: [],
    });
    // Within one month: all days from the answers.
    expect(splitPeriod({ from: "2026-02-03", to: "2026-02-27" })).toEqual({
      months: null,
      edges: [{ from: "2026-02-03", to: "2026-02-27" }],
    });
  });
});

describe("dashboard rollups", () => {
  let vendors: string[] = [];
  let countries: string[] = [];
  let today = "";

  beforeAll(async () => {
    await seedDemoShop({ shop, orders: 3000, customers: 800 });
    while ((await classifyPendingComments(1000)) > 0);
    const db = openDatabase().sql;
    vendors = (
      await db.query<{ v: string }>("SELECT DISTINCT vendor AS v FROM order_lines WHERE shop = $1 ORDER BY 1", [shop])
    ).rows.map((r) => r.v);
    countries = (
      await db.query<{ c: string }>(
        "SELECT DISTINCT country_code AS c FROM responses WHERE shop = $1 AND country_code IS NOT NULL ORDER BY 1",
        [shop],
      )
    ).rows.map((r) => r.c);
    today = (await db.query<{ d: string }>("SELECT to_char(max(answered_day), 'YYYY-MM-DD') AS d FROM responses"))
      .rows[0]!.d;
  }, 120_000);
  afterEach(() => countFromAnswersOnly(false));

  const day = (offset: number) =>
    new Date(Date.parse(`${today}T00:00:00Z`) - offset * 86_400_000).toISOString().slice(0, 10);
  const filtersArb = () =>
    fc
      .record(
        {
          range: fc.constantFrom("30d", "90d", "12m", "all"),
          from: fc.integer({ min: 0, max: 900 }).map(day),
          to: fc.integer({ min: 0, max: 40 }).map(day),
          stage: fc.constantFrom("pre", "post"),
          channel: fc.constantFrom("email", "thank_you"),
          vendor: fc.constantFrom(...vendors),
          segment: fc.constantFrom("champions", "at_risk", "none"),
          country: fc.constantFrom(...countries),
        },
        { requiredKeys: [] },
      )
      .map((f) => {
        const filters = { ...f } as AnalyticsFilters;
        // Either a preset or dates, the way the filter bar sets them.
        if (filters.from || filters.to) delete filters.range;
        if (filters.from && filters.to && filters.from > filters.to)
          [filters.from, filters.to] = [filters.to, filters.from];
        return filters;
      });

  it("give every report, page and filter the figures of counting every answer", async () => {
    await fc.assert(
      fc.asyncProperty(filtersArb(), fc.constantFrom(...GROUP_BYS), async (filters, by) => {
        const report = await bothWays(() => reportNps(shop, by, filters));
        expect(report.rollup).toEqual(report.raw);
        const overview = await bothWays(() => loadOverview(shop, filters, by === "week" ? "week" : "month"));
        expect(overview.rollup).toEqual(overview.raw);
      }),
      { numRuns: 40 },
    );
    await fc.assert(
      fc.asyncProperty(filtersArb(), async (filters) => {
        const brands = await bothWays(() => loadBrands(shop, filters, { pageSize: 200 }));
        expect(brands.rollup).toEqual(brands.raw);
        const segments = await bothWays(() => loadSegments(shop, filters));
        expect(segments.rollup).toEqual(segments.raw);
      }),
      { numRuns: 15 },
    );
    await fc.assert(
      fc.asyncProperty(filtersArb(), async (filters) => {
        const loads: Array<(shop: string, filters: AnalyticsFilters) => Promise<unknown>> = [
          reportThemes,
          loadThemeTrends,
          loadThemeBreakdowns,
          countUncovered,
        ];
        for (const load of loads) {
          const themes = await bothWays(() => load(shop, filters));
          expect(themes.rollup).toEqual(themes.raw);
        }
      }),
      { numRuns: 25 },
    );
  }, 120_000);

  it("stay exact through edited, moved and deleted answers, new segments and redacted customers", async () => {
    const db = openDatabase().sql;
    // Every rollup, by day and by month, sums to what the answers count.
    const rollupTotals = async () =>
      (
        await db.query<{ answers: number; vendors: number; paired: number }>(
          `SELECT t.grain, t.answers, t.vendors, t.paired FROM (
             SELECT 'days' AS grain,
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM answer_days WHERE shop = $1) AS answers,
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM vendor_days WHERE shop = $1) AS vendors,
                    (SELECT COALESCE(sum(paired_down + paired_same + paired_up), 0)::int FROM answer_days WHERE shop = $1) AS paired
             UNION ALL
             SELECT 'months',
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM answer_months WHERE shop = $1),
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM vendor_months WHERE shop = $1),
                    (SELECT COALESCE(sum(paired_down + paired_same + paired_up), 0)::int FROM answer_months WHERE shop = $1)) t
           ORDER BY 1`,
          [shop],
        )
      ).rows.map(({ answers, vendors, paired }) => ({ answers, vendors, paired }));
    const countedTotals = async () =>
      (
        await db.query<{ answers: number; vendors: number; paired: number }>(
          `SELECT count(*)::int AS answers,
                  (SELECT count(*)::int FROM responses r, unnest(r.vendors) WHERE r.shop = $1) AS vendors,
                  count(*) FILTER (WHERE r.stage = 'POST_DELIVERY' AND EXISTS (
                    SELECT 1 FROM responses p WHERE p.order_id = r.order_id AND p.stage = 'PRE_DELIVERY'))::int AS paired
           FROM responses r WHERE r.shop = $1`,
          [shop],
        )
      ).rows[0]!;
    // The theme rollups: a row per theme of each answer, and one under '*' per answer with any
    // (not in the per-brand ones).
    const themeTotals = async () =>
      (
        await db.query<{ themes: number; covered: number; vendors: number }>(
          `SELECT t.grain, t.themes, t.covered, t.vendors FROM (
             SELECT 'days' AS grain,
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM theme_days WHERE shop = $1 AND theme <> '*') AS themes,
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM theme_days WHERE shop = $1 AND theme = '*') AS covered,
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM theme_vendor_days WHERE shop = $1) AS vendors
             UNION ALL
             SELECT 'months',
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM theme_months WHERE shop = $1 AND theme <> '*'),
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM theme_months WHERE shop = $1 AND theme = '*'),
                    (SELECT COALESCE(sum(promoters + passives + detractors), 0)::int FROM theme_vendor_months WHERE shop = $1)) t
           ORDER BY 1`,
          [shop],
        )
      ).rows.map(({ themes, covered, vendors }) => ({ themes, covered, vendors }));
    const countedThemes = async () =>
      (
        await db.query<{ themes: number; covered: number; vendors: number }>(
          `SELECT count(*)::int AS themes, count(DISTINCT t.response_id)::int AS covered,
                  (SELECT count(*)::int FROM response_themes x, unnest(x.vendors) v WHERE x.shop = $1) AS vendors
           FROM response_themes t WHERE t.shop = $1`,
          [shop],
        )
      ).rows[0]!;
    const same = async () => {
      const counted = await countedTotals();
      expect(await rollupTotals()).toEqual([counted, counted]);
      const themes = await countedThemes();
      expect(themes.themes).toBeGreaterThan(0);
      expect(await themeTotals()).toEqual([themes, themes]);
      const all = { range: "all" as const };
      for (const by of ["segment", "vendor", "week", "month", "country"] as const) {
        const r = await bothWays(() => reportNps(shop, by, all));
        expect(r.rollup).toEqual(r.raw);
      }
      const o = await bothWays(() => loadOverview(shop, all, "month"));
      expect(o.rollup).toEqual(o.raw);
      const s = await bothWays(() => loadSegments(shop, all));
      expect(s.rollup).toEqual(s.raw);
      const loads: Array<(shop: string, filters: AnalyticsFilters) => Promise<unknown>> = [
        reportThemes,
        loadThemeBreakdowns,
        countUncovered,
      ];
      for (const load of loads) {
        const t = await bothWays(() => load(shop, all));
        expect(t.rollup).toEqual(t.raw);
      }
    };

    // A before-delivery answer changes its mind: its order's after-delivery answer is paired anew.
    const pair = (
      await db.query<{ pre: number; post: number }>(
        `SELECT p.id AS pre, q.id AS post FROM responses p JOIN responses q ON q.order_id = p.order_id
         WHERE p.shop = $1 AND p.stage = 'PRE_DELIVERY' AND q.stage = 'POST_DELIVERY' AND p.score <= 6 LIMIT 1`,
        [shop],
      )
    ).rows[0]!;
    await db.query("UPDATE responses SET score = 10, category = 'PROMOTER' WHERE id = $1", [pair.pre]);
    expect(
      (await db.query<{ c: string }>("SELECT pre_category::text AS c FROM responses WHERE id = $1", [pair.post]))
        .rows[0]!.c,
    ).toBe("PROMOTER");
    await same();

    // Answers deleted (a before-delivery one unpairs its order), another moved a month back.
    await db.query("DELETE FROM responses WHERE id = $1", [pair.pre]);
    expect(
      (await db.query<{ c: string | null }>("SELECT pre_category AS c FROM responses WHERE id = $1", [pair.post]))
        .rows[0]!.c,
    ).toBeNull();
    await db.query(
      `UPDATE responses SET answered_at = answered_at - interval '31 days'
       WHERE id IN (SELECT id FROM responses WHERE shop = $1 ORDER BY id LIMIT 50)`,
      [shop],
    );
    await same();

    // Comments edited (their themes go at once, then come back read again) and emptied, and
    // the shop's themes changed and taken back: every comment read again.
    await db.query(
      `UPDATE responses SET comment = comment || ' The parcel arrived damaged.'
       WHERE id IN (SELECT response_id FROM response_themes WHERE shop = $1 ORDER BY response_id LIMIT 20)`,
      [shop],
    );
    await db.query(
      `UPDATE responses SET comment = ''
       WHERE id IN (SELECT response_id FROM response_themes WHERE shop = $1 ORDER BY response_id DESC LIMIT 5)`,
      [shop],
    );
    await same();
    while ((await classifyPendingComments(1000)) > 0);
    await same();
    const damaged = DEFAULT_THEMES.find((t) => t.key === "damaged")!;
    await saveShopTheme(shop, { ...damaged, phrases: { ...damaged.phrases, en: [...damaged.phrases.en, "late"] } });
    while ((await classifyPendingComments(500)) > 0);
    await same();
    await resetShopTheme(shop, "damaged");
    while ((await classifyPendingComments(500)) > 0);
    await same();

    // Segments move (RFM as of an earlier day) and a customer is redacted and then deleted.
    const bySegment = async () =>
      (
        await db.query<{ s: string | null; n: number }>(
          "SELECT segment::text AS s, count(*)::int AS n FROM responses WHERE shop = $1 GROUP BY 1 ORDER BY 1",
          [shop],
        )
      ).rows;
    const before = await bySegment();
    await computeRfm(shop, day(300));
    expect(await bySegment()).not.toEqual(before);
    // A theme whose copy of its answer's facts drifted (inserted while the answer changed in
    // another transaction) is set right by the daily sync, its rollups with it.
    const drifted = (
      await db.query<{ id: number }>(
        "SELECT response_id AS id FROM response_themes WHERE shop = $1 AND category = 'DETRACTOR' LIMIT 3",
        [shop],
      )
    ).rows.map((r) => r.id);
    await db.query(
      "UPDATE response_themes SET category = 'PROMOTER', segment = NULL WHERE response_id = ANY($1::int[])",
      [drifted],
    );
    expect(await syncThemeFacts(shop)).toBeGreaterThanOrEqual(drifted.length);
    expect(await syncThemeFacts(shop)).toBe(0);
    // The rows the moves left counting nothing go, and every figure stays.
    await same();
    expect(await pruneRollups(shop)).toBeGreaterThan(0);
    const empty = await db.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM answer_days WHERE shop = $1 AND promoters + passives + detractors = 0)
            + (SELECT count(*) FROM theme_days WHERE shop = $1 AND promoters + passives + detractors = 0)
            + (SELECT count(*) FROM theme_vendor_months WHERE shop = $1 AND promoters + passives + detractors = 0) AS n`,
      [shop],
    );
    expect(Number(empty.rows[0]!.n)).toBe(0);
    const stale = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM responses r JOIN customers c ON c.id = r.customer_id
       WHERE r.shop = $1 AND (r.segment, r.m_score) IS DISTINCT FROM (c.segment, c.m_score)`,
      [shop],
    );
    expect(stale.rows[0]!.n).toBe(0);
    const customer = (
      await db.query<{ id: number }>(
        "SELECT customer_id AS id FROM responses WHERE shop = $1 AND customer_id IS NOT NULL LIMIT 1",
        [shop],
      )
    ).rows[0]!;
    await db.query("UPDATE customers SET redacted_at = now() WHERE id = $1", [customer.id]);
    await same();
    await prisma.customer.delete({ where: { id: customer.id } });
    await same();
    const totals = (
      await db.query<{ customers: number }>(
        "SELECT sum(customers)::int AS customers FROM segment_totals WHERE shop = $1",
        [shop],
      )
    ).rows[0]!;
    const counted = (
      await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM customers WHERE shop = $1 AND redacted_at IS NULL",
        [shop],
      )
    ).rows[0]!;
    expect(totals.customers).toBe(counted.n);
  }, 120_000);
});
