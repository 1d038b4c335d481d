import { openDatabase } from "../db.server";
import {
  type AnalyticsFilters,
  type DatePreset,
  type Period,
  previousPeriod,
  resolvePeriod,
  todayIn,
} from "../domain/analytics-filters";
import { type CategoryCounts, compareNps, estimateNps, type NpsDifference, type NpsEstimate } from "../domain/nps";
import { readSettings } from "../domain/settings";
import { knownTimeZone } from "../domain/time-zone";

/**
 * Every figure of the dashboards, the CSV export and `npm run report`. Answers are counted
 * by SQL aggregates; JavaScript only turns each group's counts into NPS and its interval
 * (app/domain/nps.ts), so a number is computed in one place whoever shows it.
 *
 * Brand rule: an answer counts once for every distinct vendor in its order (the vendors are
 * copied onto the response by database triggers, see the dashboard_facts migration).
 */

export const GROUP_BYS = ["overall", "stage", "vendor", "segment", "week", "month", "country", "channel"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

export interface Comparison extends NpsDifference {
  /** What the group is compared with: the rest of the shop, the previous period, before delivery. */
  against: "rest" | "previous" | "pre";
}

/** A group's NpsEstimate (app/domain/nps.ts), NPS and interval rounded to one decimal. */
export interface NpsGroup extends NpsEstimate {
  key: string;
  /** At least the shop's minimum number of answers; groups below it are shown but never ranked. */
  enoughAnswers: boolean;
  /** 1 = highest NPS among groups with enough answers; null for the others. */
  rank: number | null;
  comparison: Comparison | null;
}

export interface NpsReport {
  shop: string;
  by: GroupBy;
  from: string | null;
  to: string;
  minAnswers: number;
  groups: NpsGroup[];
}

interface ShopContext {
  shop: string;
  timezone: string;
  minAnswers: number;
  today: string;
}

export class UnknownShopError extends Error {}

export async function shopContext(shop: string): Promise<ShopContext> {
  const { rows } = await openDatabase().sql.query<{ timezone: string | null; settings: unknown }>(
    "SELECT timezone, settings FROM shops WHERE domain = $1",
    [shop],
  );
  const row = rows[0];
  if (!row) throw new UnknownShopError(`Unknown shop: ${shop}`);
  const timezone = knownTimeZone(row.timezone) ?? "UTC";
  return { shop, timezone, minAnswers: readSettings(row.settings).minAnswers, today: todayIn(timezone) };
}

// `+ 0` turns -0 (a tiny negative rounded away) into 0: nobody should read "-0".
const round = (x: number | null, digits = 1) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits + 0);

/** One group's counts as the figures every page shows. */
export function toGroup(key: string, counts: CategoryCounts, minAnswers: number): NpsGroup {
  const e = estimateNps(counts);
  return {
    key,
    n: e.n,
    promoters: e.promoters,
    passives: e.passives,
    detractors: e.detractors,
    promoterShare: round(e.promoterShare, 4)!,
    passiveShare: round(e.passiveShare, 4)!,
    detractorShare: round(e.detractorShare, 4)!,
    nps: round(e.nps),
    ciLow: round(e.ciLow),
    ciHigh: round(e.ciHigh),
    enoughAnswers: e.n >= minAnswers,
    rank: null,
    comparison: null,
  };
}

export function compare(a: CategoryCounts, b: CategoryCounts, against: Comparison["against"]): Comparison {
  const d = compareNps(a, b);
  return {
    against,
    difference: round(d.difference),
    ciLow: round(d.ciLow),
    ciHigh: round(d.ciHigh),
    significant: d.significant,
  };
}

const minus = (a: CategoryCounts, b: CategoryCounts): CategoryCounts => ({
  promoters: a.promoters - b.promoters,
  passives: a.passives - b.passives,
  detractors: a.detractors - b.detractors,
});

/** Ranks groups with enough answers by NPS (ties share a rank); the others get none. */
function rank(groups: NpsGroup[]): NpsGroup[] {
  const ranked = groups.filter((g) => g.enoughAnswers && g.nps !== null).sort((a, b) => b.nps! - a.nps!);
  ranked.forEach((g, i) => {
    g.rank = i > 0 && ranked[i - 1]!.nps === g.nps ? ranked[i - 1]!.rank : i + 1;
  });
  return groups;
}

/** The parameters of one statement: `p(value)` adds one and gives its placeholder. */
export class SqlParams {
  params: unknown[] = [];
  p = (value: unknown): string => {
    this.params.push(value);
    return `$${this.params.length}`;
  };
}

const COUNTS = `count(*)::int AS n,
  count(*) FILTER (WHERE b.category = 'PROMOTER')::int AS promoters,
  count(*) FILTER (WHERE b.category = 'PASSIVE')::int AS passives,
  count(*) FILTER (WHERE b.category = 'DETRACTOR')::int AS detractors`;

const STAGE_ENUM = { pre: "PRE_DELIVERY", post: "POST_DELIVERY" } as const;

interface ScopeOptions {
  /** Leave out the stage filter (pre against post needs both). */
  anyStage?: boolean;
  /** Join the customers for their segment even when no filter asks for it. */
  withSegment?: boolean;
}

/**
 * The SQL conditions on answers (`r`, and `c` for customers when a segment is asked for) that
 * select a view: the shop, the period in the shop's days (stored on each answer by a
 * trigger), stage, channel, brand, country and segment. Every query of a view uses these,
 * whether it counts (the dashboards) or lists (the queue, the exports).
 */
export function answerConditions(
  p: (value: unknown) => string,
  shop: string,
  filters: AnalyticsFilters,
  period: Period,
  options: { anyStage?: boolean } = {},
): { conditions: string[]; needsCustomers: boolean } {
  const conditions = [`r.shop = ${p(shop)}`];
  if (period.from) conditions.push(`r.answered_day >= ${p(period.from)}::date`);
  conditions.push(`r.answered_day <= ${p(period.to)}::date`);
  if (filters.stage && !options.anyStage) conditions.push(`r.stage = ${p(STAGE_ENUM[filters.stage])}::"SurveyStage"`);
  if (filters.channel) conditions.push(`r.channel = ${p(filters.channel.toUpperCase())}::"Channel"`);
  if (filters.vendor) conditions.push(`r.vendors @> ARRAY[${p(filters.vendor)}::text]`);
  if (filters.country) conditions.push(`r.country_code = ${p(filters.country)}`);
  if (filters.segment === "none") conditions.push("c.segment IS NULL");
  else if (filters.segment) conditions.push(`c.segment = ${p(filters.segment.toUpperCase())}::"RfmSegment"`);
  return { conditions, needsCustomers: Boolean(filters.segment) };
}

/**
 * The answers a view covers, as a CTE named `base`, inlined wherever it is used (NOT
 * MATERIALIZED): each use reads the (shop, answered_day) index and joins customers only
 * when a segment is asked for.
 */
function baseCte(
  q: SqlParams,
  ctx: ShopContext,
  filters: AnalyticsFilters,
  period: Period,
  options: ScopeOptions = {},
) {
  const { conditions, needsCustomers } = answerConditions(q.p, ctx.shop, filters, period, options);
  const segment = needsCustomers || Boolean(options.withSegment);
  return {
    sql: `base AS NOT MATERIALIZED (
      SELECT r.id, r.order_id, r.stage, r.category, r.channel, r.answered_day, r.vendors, r.country_code,
             ${segment ? "c.segment" : 'NULL::"RfmSegment" AS segment'}
      FROM responses r ${segment ? "LEFT JOIN customers c ON c.id = r.customer_id" : ""}
      WHERE ${conditions.join(" AND ")})`,
  };
}

function keyExpression(by: GroupBy): { key: string; from: string } {
  switch (by) {
    case "overall":
      return { key: "'all'", from: "base b" };
    case "stage":
      return { key: "CASE b.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END", from: "base b" };
    case "vendor":
      return { key: "v.vendor", from: "base b CROSS JOIN LATERAL unnest(b.vendors) AS v(vendor)" };
    case "segment":
      return { key: "COALESCE(lower(b.segment::text), 'none')", from: "base b" };
    case "week":
      return { key: "to_char(date_trunc('week', b.answered_day), 'YYYY-MM-DD')", from: "base b" };
    case "month":
      return { key: "to_char(date_trunc('month', b.answered_day), 'YYYY-MM')", from: "base b" };
    case "country":
      return { key: "COALESCE(b.country_code, 'unknown')", from: "base b" };
    case "channel":
      return { key: "lower(b.channel::text)", from: "base b" };
  }
}

type CountRow = CategoryCounts & { key: string | null; n: number };

async function query<T>(q: SqlParams, text: string): Promise<T[]> {
  return (await openDatabase().sql.query<T>(text, q.params)).rows;
}

/** Counts per group plus the whole view's counts (key null), in one statement. */
async function countBy(
  ctx: ShopContext,
  by: GroupBy,
  filters: AnalyticsFilters,
  period: Period,
  options?: ScopeOptions,
) {
  const q = new SqlParams();
  const base = baseCte(q, ctx, filters, period, { ...options, withSegment: by === "segment" });
  const k = keyExpression(by);
  // A brand counts an answer once per vendor, so the whole view is counted apart; any other
  // grouping gets both from one pass.
  const text =
    by === "overall"
      ? `WITH ${base.sql} SELECT NULL AS key, ${COUNTS} FROM base b`
      : by === "vendor"
        ? `WITH ${base.sql}
         SELECT ${k.key} AS key, ${COUNTS} FROM ${k.from} GROUP BY 1
         UNION ALL
         SELECT NULL, ${COUNTS} FROM base b`
        : `WITH ${base.sql}
         SELECT CASE WHEN GROUPING(${k.key}) = 0 THEN ${k.key} END AS key, ${COUNTS}
         FROM ${k.from} GROUP BY GROUPING SETS ((${k.key}), ())`;
  const rows = await query<CountRow>(q, text);
  const total = rows.find((r) => r.key === null) ?? { key: null, n: 0, promoters: 0, passives: 0, detractors: 0 };
  if (by === "overall") return { groups: total.n > 0 ? [{ ...total, key: "all" }] : [], total };
  return { groups: rows.filter((r) => r.key !== null) as Array<CountRow & { key: string }>, total };
}

const ORDER: Partial<Record<GroupBy, (a: string, b: string) => number>> = {
  stage: (a, b) => (a === b ? 0 : a === "pre" ? -1 : 1),
  week: (a, b) => a.localeCompare(b),
  month: (a, b) => a.localeCompare(b),
};

/**
 * NPS per group with intervals, ranks and comparisons: a brand, segment, country or channel
 * against the rest of the view, a week or month against the one before, after delivery
 * against before, and the whole view against the previous period of the same length.
 */
export async function reportNps(
  shop: string,
  by: GroupBy,
  filters: AnalyticsFilters,
  fallback: DatePreset = "12m",
): Promise<NpsReport> {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, fallback);
  return reportFor(ctx, by, filters, period);
}

async function reportFor(ctx: ShopContext, by: GroupBy, filters: AnalyticsFilters, period: Period) {
  // The whole view is compared with the period before it: both are counted at once.
  const previous = by === "overall" ? previousPeriod(period) : null;
  const [{ groups: rows, total }, before] = await Promise.all([
    countBy(ctx, by, filters, period, { anyStage: by === "stage" }),
    previous ? countBy(ctx, "overall", filters, previous).then((c) => c.total) : null,
  ]);
  const order = ORDER[by] ?? ((a: string, b: string) => a.localeCompare(b));
  rows.sort((a, b) => order(a.key, b.key));
  let groups = rows.map((r) => toGroup(r.key, r, ctx.minAnswers));

  if (by === "overall") {
    if (before && before.n > 0 && groups[0]) groups[0].comparison = compare(rows[0]!, before, "previous");
    if (groups.length === 0) groups = [toGroup("all", total, ctx.minAnswers)];
  } else if (by === "stage") {
    const pre = rows.find((r) => r.key === "pre");
    const post = groups.find((g) => g.key === "post");
    if (pre && post)
      post.comparison = compare(
        rows.find((r) => r.key === "post")!,
        pre,
        "pre",
      );
  } else if (by === "week" || by === "month") {
    groups.forEach((g, i) => {
      if (i > 0) g.comparison = compare(rows[i]!, rows[i - 1]!, "previous");
    });
  } else {
    groups.forEach((g, i) => {
      g.comparison = compare(rows[i]!, minus(total, rows[i]!), "rest");
    });
  }
  if (by !== "week" && by !== "month" && by !== "overall") rank(groups);
  return { shop: ctx.shop, by, from: period.from, to: period.to, minAnswers: ctx.minAnswers, groups };
}

// ---------------------------------------------------------------------------------------------
// Page views

export interface ChannelRate {
  channel: string;
  answers: number;
  /** Answers through this channel ÷ surveys sent in the period. */
  rate: number | null;
}

/**
 * Response rate by channel for the surveys sent in the period (emailed, or answered on a page
 * before the email went out): answered ÷ sent. Only the period and stage filters apply.
 */
async function responseRates(ctx: ShopContext, filters: AnalyticsFilters, period: Period) {
  const q = new SqlParams();
  const where = [`d.shop = ${q.p(ctx.shop)}`];
  if (period.from) where.push(`d.day >= ${q.p(period.from)}::date`);
  where.push(`d.day <= ${q.p(period.to)}::date`);
  if (filters.stage) where.push(`d.stage = ${q.p(STAGE_ENUM[filters.stage])}::"SurveyStage"`);
  const row = (
    await query<{ sent: number; email: number; thank_you: number; order_status: number; storefront: number }>(
      q,
      `SELECT COALESCE(sum(d.sent), 0)::int AS sent, COALESCE(sum(d.answered_email), 0)::int AS email,
              COALESCE(sum(d.answered_thank_you), 0)::int AS thank_you,
              COALESCE(sum(d.answered_order_status), 0)::int AS order_status,
              COALESCE(sum(d.answered_storefront), 0)::int AS storefront
       FROM survey_days d WHERE ${where.join(" AND ")}`,
    )
  )[0]!;
  const sent = row.sent;
  const channels: ChannelRate[] = (["email", "thank_you", "order_status", "storefront"] as const).map((channel) => ({
    channel,
    answers: row[channel],
    rate: sent ? row[channel] / sent : null,
  }));
  const answered = channels.reduce((s, c) => s + c.answers, 0);
  return { sent, answered, rate: sent ? answered / sent : null, channels };
}

export interface PairedRow {
  key: string;
  pairs: number;
  down: number;
  same: number;
  up: number;
  downShare: number | null;
}

/**
 * Orders answered before and after delivery (the later answer in the period): how many moved
 * down a category after delivery, overall, by vendor and by shipping country.
 */
async function pairedView(ctx: ShopContext, filters: AnalyticsFilters, period: Period) {
  const q = new SqlParams();
  const base = baseCte(q, ctx, { ...filters, stage: "post" }, period);
  const rank = (c: string) => `CASE ${c} WHEN 'PROMOTER' THEN 2 WHEN 'PASSIVE' THEN 1 ELSE 0 END`;
  const counts = `count(*)::int AS pairs,
    count(*) FILTER (WHERE p.post_rank < p.pre_rank)::int AS down,
    count(*) FILTER (WHERE p.post_rank = p.pre_rank)::int AS same,
    count(*) FILTER (WHERE p.post_rank > p.pre_rank)::int AS up`;
  const rows = await query<{ dim: string; key: string } & Omit<PairedRow, "downShare" | "key">>(
    q,
    `WITH ${base.sql},
     paired AS (
       SELECT b.vendors, b.country_code, ${rank("b.category")} AS post_rank, ${rank("pre.category")} AS pre_rank
       FROM base b JOIN responses pre ON pre.order_id = b.order_id AND pre.stage = 'PRE_DELIVERY')
     SELECT 'all' AS dim, 'all' AS key, ${counts} FROM paired p
     UNION ALL
     SELECT 'vendor', v.vendor, ${counts} FROM paired p CROSS JOIN LATERAL unnest(p.vendors) AS v(vendor) GROUP BY 2
     UNION ALL
     SELECT 'country', COALESCE(p.country_code, 'unknown'), ${counts} FROM paired p GROUP BY 2`,
  );
  const shape = (r: (typeof rows)[number]): PairedRow => ({
    key: r.key,
    pairs: r.pairs,
    down: r.down,
    same: r.same,
    up: r.up,
    downShare: r.pairs ? r.down / r.pairs : null,
  });
  const byShare = (a: PairedRow, b: PairedRow) => b.down - a.down || b.pairs - a.pairs;
  return {
    total: shape(rows.find((r) => r.dim === "all")!),
    byVendor: rows
      .filter((r) => r.dim === "vendor")
      .map(shape)
      .sort(byShare),
    byCountry: rows
      .filter((r) => r.dim === "country")
      .map(shape)
      .sort(byShare),
  };
}

export type Granularity = "week" | "month";

/** Week when the period is at most about six months, else month. */
export function defaultGranularity(period: Period): Granularity {
  if (!period.from) return "month";
  return Date.parse(period.to) - Date.parse(period.from) <= 183 * 86_400_000 ? "week" : "month";
}

export async function loadOverview(shop: string, filters: AnalyticsFilters, granularity?: Granularity) {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today);
  const trendBy = granularity ?? defaultGranularity(period);
  const [overall, stages, trend, rates, paired] = await Promise.all([
    reportFor(ctx, "overall", filters, period),
    reportFor(ctx, "stage", filters, period),
    reportFor(ctx, trendBy, filters, period),
    responseRates(ctx, filters, period),
    pairedView(ctx, filters, period),
  ]);
  return {
    period,
    minAnswers: ctx.minAnswers,
    overall: overall.groups[0]!,
    stages: stages.groups,
    trendBy,
    trend: trend.groups,
    rates,
    paired,
  };
}

export type BrandSort = "nps" | "n" | "vendor" | "difference" | "gap";

export interface BrandRow extends NpsGroup {
  /** After delivery minus before delivery, with its interval. */
  gap: Comparison | null;
  /** NPS per month of the period (null for months without answers), oldest first. */
  spark: Array<{ month: string; nps: number | null }>;
}

/**
 * Every vendor of the view with its NPS, its difference from the rest of the shop, its
 * pre/post gap and a monthly sparkline; searched, sorted and paged here, counted in SQL.
 */
export async function loadBrands(
  shop: string,
  filters: AnalyticsFilters,
  options: { search?: string; sort?: BrandSort; direction?: "asc" | "desc"; page?: number; pageSize?: number } = {},
) {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today);
  const q = new SqlParams();
  const base = baseCte(q, ctx, filters, period);
  const rows = await query<CountRow & { vendor: string | null; stage: string | null; month: string | null }>(
    q,
    `WITH ${base.sql},
     lines AS (
       SELECT v.vendor, CASE b.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END AS stage,
              to_char(date_trunc('month', b.answered_day), 'YYYY-MM') AS month, b.category
       FROM base b CROSS JOIN LATERAL unnest(b.vendors) AS v(vendor))
     SELECT b.vendor, b.stage, b.month, ${COUNTS}
     FROM lines b GROUP BY GROUPING SETS ((b.vendor), (b.vendor, b.stage), (b.vendor, b.month))
     UNION ALL
     SELECT NULL, NULL, NULL, ${COUNTS} FROM base b`,
  );
  const total = rows.find((r) => r.vendor === null)!;
  const months = [...new Set(rows.filter((r) => r.month).map((r) => r.month!))].sort();
  type Entry = { all?: CountRow; pre?: CountRow; post?: CountRow; months: Map<string, CountRow> };
  const byVendor = new Map<string, Entry>();
  for (const r of rows) {
    if (r.vendor === null) continue;
    const entry: Entry = byVendor.get(r.vendor) ?? { months: new Map() };
    if (r.month) entry.months.set(r.month, r);
    else if (r.stage === "pre") entry.pre = r;
    else if (r.stage === "post") entry.post = r;
    else entry.all = r;
    byVendor.set(r.vendor, entry);
  }
  let brands: BrandRow[] = [...byVendor.entries()].map(([vendor, e]) => ({
    ...toGroup(vendor, e.all!, ctx.minAnswers),
    comparison: compare(e.all!, minus(total, e.all!), "rest"),
    gap: e.pre && e.post ? compare(e.post, e.pre, "pre") : null,
    spark: months.map((month) => {
      const m = e.months.get(month);
      return { month, nps: m ? round(estimateNps(m).nps) : null };
    }),
  }));
  rank(brands);
  const search = options.search?.trim().toLowerCase();
  if (search) brands = brands.filter((b) => b.key.toLowerCase().includes(search));
  const sort = options.sort ?? "nps";
  const direction = options.direction ?? (sort === "vendor" ? "asc" : "desc");
  const value = (b: BrandRow): number | string | null =>
    sort === "vendor"
      ? b.key.toLowerCase()
      : sort === "n"
        ? b.n
        : sort === "difference"
          ? (b.comparison?.difference ?? null)
          : sort === "gap"
            ? (b.gap?.difference ?? null)
            : b.nps;
  brands.sort((a, b) => {
    // Groups without enough answers follow the ranked ones whatever the direction.
    if (sort !== "vendor" && sort !== "n" && a.enoughAnswers !== b.enoughAnswers) return a.enoughAnswers ? -1 : 1;
    const [x, y] = [value(a), value(b)];
    if (x === y) return a.key.localeCompare(b.key);
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * (direction === "asc" ? 1 : -1);
  });
  const pageSize = options.pageSize ?? 25;
  const pages = Math.max(1, Math.ceil(brands.length / pageSize));
  const page = Math.min(Math.max(1, options.page ?? 1), pages);
  return {
    period,
    minAnswers: ctx.minAnswers,
    shop: toGroup("all", total, ctx.minAnswers),
    total: brands.length,
    page,
    pages,
    sort,
    direction,
    brands: brands.slice((page - 1) * pageSize, page * pageSize),
  };
}

export interface CommentRow {
  id: number;
  orderName: string;
  stage: string;
  score: number;
  category: string;
  comment: string;
  answeredAt: string;
}

/** One vendor: its NPS against the rest, by stage and month, and its latest comments. */
export async function loadBrand(shop: string, vendor: string, filters: AnalyticsFilters, page = 1, pageSize = 20) {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today);
  const scoped = { ...filters, vendor };
  const [mine, everyone, stages, trend] = await Promise.all([
    countBy(ctx, "overall", scoped, period),
    countBy(ctx, "overall", { ...filters, vendor: undefined }, period),
    reportFor(ctx, "stage", scoped, period),
    reportFor(ctx, defaultGranularity(period), scoped, period),
  ]);
  // The brand against the answers of orders without it, as on the Brands page.
  const overall =
    mine.total.n > 0
      ? {
          ...toGroup(vendor, mine.total, ctx.minAnswers),
          comparison: compare(mine.total, minus(everyone.total, mine.total), "rest"),
        }
      : null;
  const q = new SqlParams();
  const base = baseCte(q, ctx, scoped, period);
  const limit = q.p(pageSize + 1);
  const offset = q.p((Math.max(1, page) - 1) * pageSize);
  const comments = await query<CommentRow>(
    q,
    `WITH ${base.sql}
     SELECT r.id, o.name AS "orderName", CASE r.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END AS stage,
            r.score, r.category::text AS category, r.comment, to_char(r.answered_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "answeredAt"
     FROM base b JOIN responses r ON r.id = b.id JOIN orders o ON o.id = r.order_id
     WHERE r.comment IS NOT NULL AND r.comment <> ''
     ORDER BY r.answered_at DESC, r.id DESC LIMIT ${limit} OFFSET ${offset}`,
  );
  return {
    vendor,
    period,
    minAnswers: ctx.minAnswers,
    overall,
    stages: stages.groups,
    trendBy: trend.by,
    trend: trend.groups,
    comments: comments.slice(0, pageSize),
    page: Math.max(1, page),
    hasNext: comments.length > pageSize,
  };
}

/** NPS, customers and revenue share per RFM segment, and the vendor × segment heat map. */
export async function loadSegments(shop: string, filters: AnalyticsFilters) {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today);
  const q = new SqlParams();
  const base = baseCte(q, ctx, filters, period, { withSegment: true });
  const [segments, customers, cells] = await Promise.all([
    reportFor(ctx, "segment", filters, period),
    openDatabase()
      .sql.query<{ segment: string; customers: number; revenue: string }>(
        `SELECT COALESCE(lower(segment::text), 'none') AS segment, count(*)::int AS customers,
                COALESCE(sum(total_spent), 0)::text AS revenue
         FROM customers WHERE shop = $1 AND redacted_at IS NULL GROUP BY 1`,
        [ctx.shop],
      )
      .then((r) => r.rows),
    query<CountRow & { vendor: string; segment: string }>(
      q,
      `WITH ${base.sql}
       SELECT v.vendor, COALESCE(lower(b.segment::text), 'none') AS segment, ${COUNTS}
       FROM base b CROSS JOIN LATERAL unnest(b.vendors) AS v(vendor) GROUP BY 1, 2`,
    ),
  ]);
  const totalCustomers = customers.reduce((s, c) => s + c.customers, 0);
  const totalRevenue = customers.reduce((s, c) => s + Number(c.revenue), 0);
  const rows = segments.groups.map((g) => {
    const c = customers.find((x) => x.segment === g.key);
    return {
      ...g,
      customers: c?.customers ?? 0,
      customerShare: totalCustomers && c ? c.customers / totalCustomers : 0,
      revenueShare: totalRevenue && c ? Number(c.revenue) / totalRevenue : 0,
    };
  });
  const vendors = [...new Set(cells.map((c) => c.vendor))].sort((a, b) => a.localeCompare(b));
  const heat = cells.map((c) => {
    const g = toGroup(c.segment, c, ctx.minAnswers);
    // Small cells are suppressed: their NPS is noise and could single out a customer.
    return { vendor: c.vendor, segment: c.segment, n: c.n, nps: g.enoughAnswers ? g.nps : null };
  });
  return { period, minAnswers: ctx.minAnswers, segments: rows, vendors, heat };
}

/** Whether the shop has any answer at all and whether a history import is running. */
export async function loadShopState(shop: string) {
  const { rows } = await openDatabase().sql.query<{ answers: boolean; importing: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM responses WHERE shop = $1) AS answers,
            EXISTS (SELECT 1 FROM history_imports WHERE running_shop = $1) AS importing`,
    [shop],
  );
  return rows[0]!;
}

/**
 * Vendors of the shop's lines and countries of its answers, for the filter menus. Both walk an
 * index one distinct value at a time (a loose index scan), so millions of rows cost a few probes.
 */
export async function loadFilterOptions(shop: string) {
  const distinct = (table: string, column: string) => `
    WITH RECURSIVE d AS (
      (SELECT ${column} AS value FROM ${table} WHERE shop = $1 AND ${column} > '' ORDER BY ${column} LIMIT 1)
      UNION ALL
      SELECT (SELECT ${column} FROM ${table} WHERE shop = $1 AND ${column} > d.value ORDER BY ${column} LIMIT 1)
      FROM d WHERE d.value IS NOT NULL)
    SELECT array_agg(value) FROM d WHERE value IS NOT NULL`;
  const { rows } = await openDatabase().sql.query<{ vendors: string[] | null; countries: string[] | null }>(
    `SELECT (${distinct("order_lines", "vendor")}) AS vendors, (${distinct("responses", "country_code")}) AS countries`,
    [shop],
  );
  return { vendors: rows[0]?.vendors ?? [], countries: rows[0]?.countries ?? [] };
}
