import prisma from "../db.server";
import type { AnalyticsFilters, DatePreset, Period } from "../domain/analytics-filters";
import { resolvePeriod, segmentLabel } from "../domain/analytics-filters";
import { estimateProportion, type Proportion } from "../domain/follow-up";
import {
  answerConditions,
  query,
  rollupsAllowed,
  shopContext,
  splitPeriod,
  SqlParams,
  STAGE_ENUM,
} from "./analytics.server";
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
      await lockShopOutcomes(tx, shop);
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
      await refreshOutcomeMonths(tx, shop);
      return { outcomes, risks };
    },
    { timeout: 300_000 },
  );
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/**
 * One rebuild of a shop's outcomes at a time (the daily refresh, the worker after a change of
 * themes, a redaction), until its transaction ends: two deleting and inserting the same rows
 * at once would have the second fail on the first's new rows.
 */
async function lockShopOutcomes(tx: Tx, shop: string): Promise<void> {
  await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('outcomes'), hashtext($1))", shop);
}

// An outcome's sums: n, reordered, revenue and its square in each window (the 180-day window
// only once the answer is 180 days old).
const OUTCOME_SUMS = `count(*)::int, (count(*) FILTER (WHERE x.orders_90 > 0))::int,
  COALESCE(sum(x.revenue_90::float8), 0), COALESCE(sum(x.revenue_90::float8 * x.revenue_90::float8), 0),
  count(x.orders_180)::int, (count(*) FILTER (WHERE x.orders_180 > 0))::int,
  COALESCE(sum(x.revenue_180::float8), 0), COALESCE(sum(x.revenue_180::float8 * x.revenue_180::float8), 0)`;

// The themes an outcome's answer mentions, and '' for the answer itself.
const THEMES_OF_OUTCOME = `CROSS JOIN LATERAL (SELECT ''::text UNION ALL
  SELECT t.theme FROM response_themes t WHERE t.response_id = x.response_id) AS th(theme)`;

/**
 * outcome_months and outcome_vendor_months of a shop, from its answer_outcomes and the themes
 * its comments carry now: with every refresh, and once a change of themes has been read.
 */
export async function refreshOutcomeMonths(tx: Tx, shop: string): Promise<void> {
  await lockShopOutcomes(tx, shop);
  await tx.$executeRawUnsafe("DELETE FROM outcome_months WHERE shop = $1", shop);
  await tx.$executeRawUnsafe(
    `INSERT INTO outcome_months (shop, month, stage, channel, country_code, segment, category, theme,
                                 n90, re90, sum90, sq90, n180, re180, sum180, sq180)
     SELECT $1, date_trunc('month', x.answered_day)::date, x.stage, x.channel, COALESCE(x.country_code, ''),
            COALESCE(x.segment::text, ''), x.category, th.theme, ${OUTCOME_SUMS}
     FROM answer_outcomes x ${THEMES_OF_OUTCOME}
     WHERE x.shop = $1 AND x.answered_day IS NOT NULL
     GROUP BY 2, 3, 4, 5, 6, 7, 8`,
    shop,
  );
  await tx.$executeRawUnsafe("DELETE FROM outcome_vendor_months WHERE shop = $1", shop);
  await tx.$executeRawUnsafe(
    `INSERT INTO outcome_vendor_months (shop, vendor, month, stage, channel, segment, category, theme,
                                        n90, re90, sum90, sq90, n180, re180, sum180, sq180)
     SELECT $1, v.vendor, date_trunc('month', x.answered_day)::date, x.stage, x.channel,
            COALESCE(x.segment::text, ''), x.category, th.theme, ${OUTCOME_SUMS}
     FROM answer_outcomes x CROSS JOIN LATERAL unnest(x.vendors) AS v(vendor) ${THEMES_OF_OUTCOME}
     WHERE x.shop = $1 AND x.answered_day IS NOT NULL
     GROUP BY 2, 3, 4, 5, 6, 7, 8`,
    shop,
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
 * The view's outcomes as rows of sums (theme, category, n90 … sq180): whole months from
 * outcome_months (outcome_vendor_months for a brand), the days at the period's edges from
 * answer_outcomes, as the dashboards count answers (app/models/analytics.server.ts).
 */
function outcomeFacts(q: SqlParams, shop: string, filters: AnalyticsFilters, period: Period): string {
  const raw = (range: Period) => {
    const { conditions } = answerConditions(q.p, shop, filters, range, { alias: "x", id: "response_id" });
    return `SELECT th.theme, x.category, 1 AS n90, (x.orders_90 > 0)::int AS re90, x.revenue_90::float8 AS sum90,
        x.revenue_90::float8 * x.revenue_90::float8 AS sq90, (x.orders_180 IS NOT NULL)::int AS n180,
        COALESCE((x.orders_180 > 0)::int, 0) AS re180, COALESCE(x.revenue_180::float8, 0) AS sum180,
        COALESCE(x.revenue_180::float8 * x.revenue_180::float8, 0) AS sq180
      FROM answer_outcomes x ${THEMES_OF_OUTCOME} WHERE ${conditions.join(" AND ")}`;
  };
  const vendor = filters.vendor;
  // The rollups hold no themes to filter by, and the brands' no country.
  const split = splitPeriod(period);
  if (!rollupsAllowed() || filters.theme || (vendor && filters.country) || !split.months) return raw(period);
  const where = [`m.shop = ${q.p(shop)}`, `m.month < ${q.p(split.months.to)}::date`];
  if (split.months.from) where.push(`m.month >= ${q.p(split.months.from)}::date`);
  if (filters.stage) where.push(`m.stage = ${q.p(STAGE_ENUM[filters.stage])}::"SurveyStage"`);
  if (filters.channel) where.push(`m.channel = ${q.p(filters.channel.toUpperCase())}::"Channel"`);
  if (filters.segment)
    where.push(`m.segment = ${q.p(filters.segment === "none" ? "" : filters.segment.toUpperCase())}`);
  if (vendor) where.push(`m.vendor = ${q.p(vendor)}`);
  else if (filters.country) where.push(`m.country_code = ${q.p(filters.country)}`);
  const months = `SELECT m.theme, m.category, m.n90, m.re90, m.sum90, m.sq90, m.n180, m.re180, m.sum180, m.sq180
    FROM ${vendor ? "outcome_vendor_months" : "outcome_months"} m WHERE ${where.join(" AND ")}`;
  return [months, ...split.edges.map(raw)].join("\n UNION ALL\n");
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
  const facts = outcomeFacts(q, shop, filters, period);
  const riskQ = new SqlParams();
  const risk = riskQ.p(shop);
  const [sums, risks, riskByTheme, shopRow, themes] = await Promise.all([
    query<Sums & { theme: string; category: string }>(
      q,
      `WITH facts AS NOT MATERIALIZED (${facts})
       SELECT b.theme, b.category::text AS category, sum(b.n90)::int AS n90, sum(b.re90)::int AS re90,
              sum(b.sum90)::float8 AS sum90, sum(b.sq90)::float8 AS sq90, sum(b.n180)::int AS n180,
              sum(b.re180)::int AS re180, sum(b.sum180)::float8 AS sum180, sum(b.sq180)::float8 AS sq180
       FROM facts b GROUP BY 1, 2`,
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
  const byCategory = sums.filter((r) => r.theme === "").map((r) => ({ ...r, key: r.category }));
  const byTheme = new Map<string, Sums>();
  for (const r of sums) {
    if (r.theme === "") continue;
    const acc = byTheme.get(r.theme) ?? { ...ZERO };
    for (const k of Object.keys(ZERO) as Array<keyof Sums>) acc[k] += r[k];
    byTheme.set(r.theme, acc);
  }
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
      const s = byTheme.get(t.key) ?? ZERO;
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
