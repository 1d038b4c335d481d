import prisma from "../db.server";
import type { AnalyticsFilters, DatePreset } from "../domain/analytics-filters";
import { resolvePeriod, segmentLabel } from "../domain/analytics-filters";
import { estimateProportion, type Proportion } from "../domain/follow-up";
import { answerConditions, query, shopContext, SqlParams } from "./analytics.server";
import { listShopThemes } from "./themes.server";

/**
 * What happened after answers, from the shop's own orders: refreshed set-based (daily with the
 * RFM run, after a history import, for the demo), read by the Value page.
 *
 * - answer_outcomes: for each answered order's latest answer at least 90 days old, the
 *   customer's orders and revenue in the 90 (and, once 180 days old, 180) days after it.
 * - customer_risks: customers whose latest answer is a detractor's and whose case is not won
 *   back, with their revenue of the last twelve months.
 */
export async function refreshCustomerWorth(shop: string): Promise<{ outcomes: number; risks: number }> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("DELETE FROM answer_outcomes WHERE shop = $1", shop);
      const outcomes = await tx.$executeRawUnsafe(
        `WITH latest AS (
         -- One answer per order: the latest stage's (after delivery when there is one), once
         -- it is 90 days old.
         SELECT DISTINCT ON (r.order_id) r.id, r.customer_id, r.answered_at
         FROM responses r
         WHERE r.shop = $1 AND r.customer_id IS NOT NULL
         ORDER BY r.order_id, r.stage DESC, r.id DESC),
       answered AS (SELECT * FROM latest WHERE answered_at <= now() - interval '90 days'),
       outcomes AS (
         SELECT a.id,
                count(o.id) FILTER (WHERE o.order_created_at <= a.answered_at + interval '90 days') AS orders_90,
                COALESCE(sum(o.current_total) FILTER (WHERE o.order_created_at <= a.answered_at + interval '90 days'), 0)
                  AS revenue_90,
                CASE WHEN a.answered_at <= now() - interval '180 days' THEN count(o.id) END AS orders_180,
                CASE WHEN a.answered_at <= now() - interval '180 days' THEN COALESCE(sum(o.current_total), 0) END
                  AS revenue_180
         FROM answered a
         LEFT JOIN orders o ON o.shop = $1 AND o.customer_id = a.customer_id AND o.cancelled_at IS NULL
                           AND NOT o.test AND o.order_created_at > a.answered_at
                           AND o.order_created_at <= a.answered_at + interval '180 days'
         GROUP BY a.id, a.answered_at)
       INSERT INTO answer_outcomes (response_id, shop, orders_90, revenue_90, orders_180, revenue_180,
                                    answered_day, stage, channel, country_code, segment, category, vendors)
       SELECT x.id, $1, x.orders_90, x.revenue_90, x.orders_180, x.revenue_180,
              r.answered_day, r.stage, r.channel, r.country_code, r.segment, r.category, r.vendors
       FROM outcomes x JOIN responses r ON r.id = x.id`,
        shop,
      );
      await tx.$executeRawUnsafe("DELETE FROM customer_risks WHERE shop = $1", shop);
      const risks = await tx.$executeRawUnsafe(
        `WITH latest AS (
         SELECT DISTINCT ON (r.customer_id) r.id, r.customer_id, r.category
         FROM responses r WHERE r.shop = $1 AND r.customer_id IS NOT NULL
         ORDER BY r.customer_id, r.answered_at DESC, r.id DESC)
       INSERT INTO customer_risks (customer_id, shop, response_id, revenue_12m, vendors, segment)
       SELECT l.customer_id, $1, l.id,
              COALESCE((SELECT sum(o.current_total) FROM orders o
                        WHERE o.shop = $1 AND o.customer_id = l.customer_id AND o.cancelled_at IS NULL AND NOT o.test
                          AND o.order_created_at > now() - interval '365 days'), 0),
              r.vendors, c.segment
       FROM latest l
       JOIN responses r ON r.id = l.id
       JOIN customers c ON c.id = l.customer_id
       LEFT JOIN follow_up_cases fc ON fc.response_id = l.id
       WHERE l.category = 'DETRACTOR' AND fc.status IS DISTINCT FROM 'WON_BACK'`,
        shop,
      );
      return { outcomes, risks };
    },
    { timeout: 300_000 },
  );
}

/** A mean with its 95 % interval (normal approximation with the sample standard deviation). */
export interface Mean {
  n: number;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export function estimateMean(n: number, sum: number, sumOfSquares: number): Mean {
  if (n === 0) return { n, mean: null, ciLow: null, ciHigh: null };
  const mean = sum / n;
  if (n < 2) return { n, mean, ciLow: null, ciHigh: null };
  const variance = Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
  const half = 1.959963984540054 * Math.sqrt(variance / n);
  return { n, mean, ciLow: Math.max(0, mean - half), ciHigh: mean + half };
}

export interface WindowFigures {
  /** Customers who ordered again in the window, with the Wilson interval. */
  reordered: Proportion;
  /** Their revenue in the window per answer (zero for those who did not order). */
  revenue: Mean;
}

export interface WorthGroup {
  key: string;
  label: string;
  /** Below the shop's minimum sample: the figures are left out. */
  enough: boolean;
  d90: WindowFigures;
  d180: WindowFigures;
}

export interface ThemeWorth extends WorthGroup {
  /** The same for the answers of the view that do not mention the theme. */
  rest: { d90: WindowFigures; d180: WindowFigures };
}

interface Sums {
  n90: number;
  re90: number;
  sum90: number;
  sq90: number;
  n180: number;
  re180: number;
  sum180: number;
  sq180: number;
}

// In float8: numeric powers and sums took most of the page's time on 136,000 answers.
const SUMS = `count(*)::int AS n90, count(*) FILTER (WHERE x.orders_90 > 0)::int AS re90,
  COALESCE(sum(x.revenue_90::float8), 0) AS sum90, COALESCE(sum(x.revenue_90::float8 * x.revenue_90::float8), 0) AS sq90,
  count(x.orders_180)::int AS n180, count(*) FILTER (WHERE x.orders_180 > 0)::int AS re180,
  COALESCE(sum(x.revenue_180::float8), 0) AS sum180,
  COALESCE(sum(x.revenue_180::float8 * x.revenue_180::float8), 0) AS sq180`;

const ZERO: Sums = { n90: 0, re90: 0, sum90: 0, sq90: 0, n180: 0, re180: 0, sum180: 0, sq180: 0 };

function windows(s: Sums): { d90: WindowFigures; d180: WindowFigures } {
  return {
    d90: { reordered: estimateProportion(s.re90, s.n90), revenue: estimateMean(s.n90, s.sum90, s.sq90) },
    d180: { reordered: estimateProportion(s.re180, s.n180), revenue: estimateMean(s.n180, s.sum180, s.sq180) },
  };
}

const minus = (a: Sums, b: Sums): Sums =>
  Object.fromEntries(Object.keys(ZERO).map((k) => [k, a[k as keyof Sums] - b[k as keyof Sums]])) as unknown as Sums;

const CATEGORY_LABELS = { PROMOTER: "Promoters", PASSIVE: "Passives", DETRACTOR: "Detractors" } as const;

export interface RiskGroup {
  key: string;
  label: string;
  customers: number;
  revenue: number;
}

/**
 * The Value page: reorder rates and revenue after answering, by category and by theme against
 * the rest, for the answers of the view old enough to tell (90 or 180 days), and the revenue
 * at risk in total and by theme, brand and segment. Groups smaller than the shop's minimum
 * sample keep their counts but not their figures.
 */
export async function loadCustomerWorth(shop: string, filters: AnalyticsFilters, fallback: DatePreset = "all") {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, fallback);
  const q = new SqlParams();
  // Outcomes carry their answers' facts: the view is read without joining every answer.
  const { conditions } = answerConditions(q.p, shop, filters, period, { alias: "x", id: "response_id" });
  const where = conditions.join(" AND ");
  const riskQ = new SqlParams();
  const risk = riskQ.p(shop);
  const [byCategory, byTheme, risks, riskByTheme, shopRow, themes] = await Promise.all([
    query<Sums & { key: string }>(
      q,
      `SELECT x.category::text AS key, ${SUMS} FROM answer_outcomes x WHERE ${where} GROUP BY 1`,
    ),
    query<Sums & { key: string }>(
      q,
      `SELECT t.theme AS key, ${SUMS}
       FROM answer_outcomes x JOIN response_themes t ON t.response_id = x.response_id
       WHERE ${where} GROUP BY 1`,
    ),
    query<{ dim: string; key: string | null; customers: number; revenue: number }>(
      riskQ,
      `SELECT 'total' AS dim, NULL AS key, count(*)::int AS customers, COALESCE(sum(k.revenue_12m), 0)::float8 AS revenue
       FROM customer_risks k WHERE k.shop = ${risk}
       UNION ALL
       SELECT 'brand', v.vendor, count(*)::int, COALESCE(sum(k.revenue_12m), 0)::float8
       FROM customer_risks k CROSS JOIN LATERAL unnest(k.vendors) AS v(vendor)
       WHERE k.shop = ${risk} GROUP BY 2
       UNION ALL
       SELECT 'segment', COALESCE(lower(k.segment::text), 'none'), count(*)::int, COALESCE(sum(k.revenue_12m), 0)::float8
       FROM customer_risks k WHERE k.shop = ${risk} GROUP BY 2`,
    ),
    query<{ key: string; customers: number; revenue: number }>(
      riskQ,
      `SELECT t.theme AS key, count(*)::int AS customers, COALESCE(sum(k.revenue_12m), 0)::float8 AS revenue
       FROM customer_risks k JOIN response_themes t ON t.response_id = k.response_id
       WHERE k.shop = ${risk} GROUP BY 1`,
    ),
    prisma.shop.findUnique({ where: { domain: shop }, select: { currency: true } }),
    listShopThemes(shop),
  ]);
  const total = byCategory.reduce(
    (acc, row) => {
      for (const k of Object.keys(ZERO) as Array<keyof Sums>) acc[k] += row[k];
      return acc;
    },
    { ...ZERO },
  );
  const enough = (s: Sums) => s.n90 >= ctx.minAnswers;
  const categories = (["PROMOTER", "PASSIVE", "DETRACTOR"] as const).map((key): WorthGroup => {
    const s = byCategory.find((r) => r.key === key) ?? ZERO;
    return { key: key.toLowerCase(), label: CATEGORY_LABELS[key], enough: enough(s), ...windows(s) };
  });
  const labelOf = new Map(themes.map((t) => [t.key, t.label.en || t.key]));
  const themeRows = themes
    .filter((t) => t.enabled)
    .map((t): ThemeWorth => {
      const s = byTheme.find((r) => r.key === t.key) ?? ZERO;
      const rest = minus(total, s);
      return {
        key: t.key,
        label: labelOf.get(t.key)!,
        enough: enough(s) && enough(rest),
        ...windows(s),
        rest: windows(rest),
      };
    });
  const riskGroups = (dim: string, label: (key: string) => string): RiskGroup[] =>
    risks
      // A group of a few customers would show what those customers spent: below the minimum
      // sample, it is left out as on the other tables.
      .filter((r) => r.dim === dim && r.customers >= ctx.minAnswers)
      .map((r) => ({ key: r.key!, label: label(r.key!), customers: r.customers, revenue: r.revenue }))
      .sort((a, b) => b.revenue - a.revenue);
  const totalRisk = risks.find((r) => r.dim === "total") ?? { customers: 0, revenue: 0 };
  return {
    period,
    minAnswers: ctx.minAnswers,
    currency: shopRow?.currency ?? null,
    answers: { d90: total.n90, d180: total.n180 },
    categories,
    themes: themeRows,
    risk: {
      customers: totalRisk.customers,
      revenue: totalRisk.revenue,
      byTheme: riskByTheme
        .filter((r) => labelOf.has(r.key) && r.customers >= ctx.minAnswers)
        .map((r) => ({ ...r, label: labelOf.get(r.key)! }))
        .sort((a, b) => b.revenue - a.revenue),
      byBrand: riskGroups("brand", (k) => k).slice(0, 10),
      bySegment: riskGroups("segment", segmentLabel),
    },
  };
}
