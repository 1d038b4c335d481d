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
import { listShopThemes } from "./themes.server";

/**
 * Every figure of the dashboards, the CSV export and `npm run report`. Answers are counted
 * by SQL aggregates, mostly over rollups that triggers keep (see factsCte); JavaScript only
 * turns each group's counts into NPS and its interval (app/domain/nps.ts), so a number is
 * computed in one place whoever shows it.
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

export interface ShopContext {
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

/** A group's counts from facts rows `b` (see factsCte). */
const COUNTS = `COALESCE(sum(b.promoters + b.passives + b.detractors), 0)::int AS n,
  COALESCE(sum(b.promoters), 0)::int AS promoters,
  COALESCE(sum(b.passives), 0)::int AS passives,
  COALESCE(sum(b.detractors), 0)::int AS detractors`;

export const STAGE_ENUM = { pre: "PRE_DELIVERY", post: "POST_DELIVERY" } as const;

/**
 * The SQL conditions on answers (`r`) that select a view: the shop, the period in the shop's
 * days, stage, channel, brand, country and the customer's segment (all stored on each answer
 * by triggers). Every query of a view uses these,
 * whether it counts (the dashboards) or lists (the queue, the exports).
 */
export function answerConditions(
  p: (value: unknown) => string,
  shop: string,
  filters: AnalyticsFilters,
  period: Period,
  options: { anyStage?: boolean; alias?: string; id?: string } = {},
): { conditions: string[] } {
  // response_themes and answer_outcomes carry the same columns, copied from their answer
  // (app/models/themes.server.ts, app/models/customer-worth.server.ts).
  const r = options.alias ?? "r";
  const conditions = [`${r}.shop = ${p(shop)}`];
  if (period.from) conditions.push(`${r}.answered_day >= ${p(period.from)}::date`);
  conditions.push(`${r}.answered_day <= ${p(period.to)}::date`);
  if (filters.stage && !options.anyStage)
    conditions.push(`${r}.stage = ${p(STAGE_ENUM[filters.stage])}::"SurveyStage"`);
  if (filters.channel) conditions.push(`${r}.channel = ${p(filters.channel.toUpperCase())}::"Channel"`);
  if (filters.vendor) conditions.push(`${r}.vendors @> ARRAY[${p(filters.vendor)}::text]`);
  if (filters.country) conditions.push(`${r}.country_code = ${p(filters.country)}`);
  if (filters.segment === "none") conditions.push(`${r}.segment IS NULL`);
  else if (filters.segment) conditions.push(`${r}.segment = ${p(filters.segment.toUpperCase())}::"RfmSegment"`);
  if (filters.theme) {
    // Through the (shop, theme, answered_day) index: the theme's answers are few next to the view's.
    const within = period.from ? `AND ft.answered_day >= ${p(period.from)}::date` : "";
    conditions.push(
      `${r}.${options.id ?? "id"} IN (SELECT ft.response_id FROM response_themes ft
        WHERE ft.shop = ${p(shop)} AND ft.theme = ${p(filters.theme)} ${within} AND ft.answered_day <= ${p(period.to)}::date)`,
    );
  }
  return { conditions };
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const monthStart = (iso: string) => `${iso.slice(0, 7)}-01`;
const nextMonth = (iso: string) => {
  const d = new Date(`${monthStart(iso)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
};

/**
 * The calendar months a period covers whole, as [from, to) month starts (from null: every month
 * before `to`), and the days at its edges outside them. No whole month: null, every day an edge.
 */
export function splitPeriod(period: Period): {
  months: { from: string | null; to: string } | null;
  edges: Period[];
} {
  const from = period.from === null ? null : period.from.endsWith("-01") ? period.from : nextMonth(period.from);
  const to = addDays(period.to, 1).endsWith("-01") ? addDays(period.to, 1) : monthStart(period.to);
  if (from !== null && from >= to) return { months: null, edges: [period] };
  const edges: Period[] = [];
  if (period.from !== null && period.from < from!) edges.push({ from: period.from, to: addDays(from!, -1) });
  if (to <= period.to) edges.push({ from: to, to: period.to });
  return { months: { from, to }, edges };
}

interface FactsOptions {
  /** Leave out the stage filter (pre against post needs both). */
  anyStage?: boolean;
  /** One row per vendor of each answer (the brand rule), with a `vendor` column. */
  perVendor?: boolean;
  /** Grouped by week: needs days, so the daily rollups only. */
  daily?: boolean;
  /** Grouped by these, which the vendor rollup does not hold. */
  channelOrCountry?: boolean;
  /**
   * The view's themes rather than its answers, with a `theme` column: a row per theme an answer
   * mentions, and one under '*' per answer mentioning any (theme_* rollups, else response_themes).
   */
  themes?: boolean;
  /** Themes, reading '*' too, which the per-brand theme rollups do not hold. */
  covered?: boolean;
}

let forceRaw = false;
/** Tests: count from the answers only, to compare with the rollups. */
export function countFromAnswersOnly(raw: boolean) {
  forceRaw = raw;
}

/** Whether views may count from rollups (false while a test compares them with the answers). */
export const rollupsAllowed = () => !forceRaw;

const categoryRank = (c: string) =>
  `CASE ${c} WHEN 'PROMOTER' THEN 2 WHEN 'PASSIVE' THEN 1 WHEN 'DETRACTOR' THEN 0 END`;

/**
 * The view's counts as a CTE `name`: whole months from the monthly rollups and the days at the
 * period's edges (or every day, for weekly trends) from the daily ones, kept by triggers (the
 * dashboard_rollups migration, docs/analytics.md); answer_* rollups, or vendor_* when counting
 * per brand or filtering by one; theme_* for the view's themes (options.themes, the
 * theme_rollups migration). What the rollups do not hold is counted from the answers (or
 * response_themes), one row per answer. Columns: vendor (per brand), month, day, stage,
 * channel, country_code ('' none), segment ('' none), theme (themes only), promoters, passives,
 * detractors and paired down/same/up (0 for themes).
 */
export function factsCte(
  name: string,
  q: SqlParams,
  ctx: ShopContext,
  filters: AnalyticsFilters,
  period: Period,
  options: FactsOptions = {},
) {
  // The vendor rollups hold no country (vendor_days no channel either), and a brand filter on
  // per-brand rows would mean "brands bought with it", which only the answers can say.
  const vendorRollup = options.perVendor || Boolean(filters.vendor);
  // Nor do they hold themes: a theme filter counts from the answers.
  const rollupsHold =
    !filters.theme &&
    !(options.covered && vendorRollup) &&
    (!vendorRollup || (!filters.country && !options.channelOrCountry)) &&
    !(options.perVendor && filters.vendor);
  if (forceRaw || !rollupsHold) return `${name} AS NOT MATERIALIZED (${rawFacts(q, ctx, filters, period, options)})`;
  const daysHold = !(vendorRollup && filters.channel);
  const days = (range: Period) =>
    daysHold ? rollupFacts(q, ctx, filters, "days", range, options) : rawFacts(q, ctx, filters, range, options);
  const split = splitPeriod(period);
  const parts =
    options.daily || !split.months
      ? [days(period)]
      : [rollupFacts(q, ctx, filters, "months", split.months, options), ...split.edges.map(days)];
  return `${name} AS NOT MATERIALIZED (${parts.join("\n UNION ALL\n")})`;
}

/** Facts rows counted from the answers themselves, one per answer (per vendor of it). */
function rawFacts(q: SqlParams, ctx: ShopContext, filters: AnalyticsFilters, period: Period, options: FactsOptions) {
  if (options.themes) return rawThemeFacts(q, ctx, filters, period, options);
  const { conditions } = answerConditions(q.p, ctx.shop, filters, period, options);
  return `SELECT ${options.perVendor ? "v.vendor," : ""} date_trunc('month', r.answered_day)::date AS month,
      r.answered_day AS day, r.stage, r.channel, COALESCE(r.country_code, '') AS country_code,
      COALESCE(r.segment::text, '') AS segment,
      (r.category = 'PROMOTER')::int AS promoters, (r.category = 'PASSIVE')::int AS passives,
      (r.category = 'DETRACTOR')::int AS detractors,
      COALESCE(${categoryRank("r.category")} < ${categoryRank("r.pre_category")}, false)::int AS down,
      COALESCE(${categoryRank("r.category")} = ${categoryRank("r.pre_category")}, false)::int AS same,
      COALESCE(${categoryRank("r.category")} > ${categoryRank("r.pre_category")}, false)::int AS up
    FROM responses r ${options.perVendor ? "CROSS JOIN LATERAL unnest(r.vendors) AS v(vendor)" : ""}
    WHERE ${conditions.join(" AND ")}`;
}

/**
 * Theme facts counted from response_themes, which carries its answers' facts: a row per theme
 * of each answer and one under '*' per answer (per vendor of it). No paired counts.
 */
function rawThemeFacts(
  q: SqlParams,
  ctx: ShopContext,
  filters: AnalyticsFilters,
  period: Period,
  options: FactsOptions,
) {
  const { conditions } = answerConditions(q.p, ctx.shop, filters, period, {
    ...options,
    alias: "t",
    id: "response_id",
  });
  return `SELECT ${options.perVendor ? "v.vendor," : ""} date_trunc('month', r.answered_day)::date AS month,
      r.answered_day AS day, r.stage, r.channel, COALESCE(r.country_code, '') AS country_code,
      COALESCE(r.segment::text, '') AS segment, th.theme,
      (r.category = 'PROMOTER')::int AS promoters, (r.category = 'PASSIVE')::int AS passives,
      (r.category = 'DETRACTOR')::int AS detractors, 0 AS down, 0 AS same, 0 AS up
    FROM (SELECT t.response_id, t.answered_day, t.stage, t.channel, t.country_code, t.segment, t.category, t.vendors,
                 array_agg(t.theme) AS themes
          FROM response_themes t WHERE ${conditions.join(" AND ")}
          GROUP BY t.response_id, t.answered_day, t.stage, t.channel, t.country_code, t.segment, t.category, t.vendors) r
    CROSS JOIN LATERAL unnest(r.themes || '*'::text) AS th(theme)
    ${options.perVendor ? "CROSS JOIN LATERAL unnest(r.vendors) AS v(vendor)" : ""}`;
}

/**
 * Facts rows from a rollup: `months` for the month starts in [from, to), `days` for the days
 * in [from, to] (both ends included, as a period's are).
 */
function rollupFacts(
  q: SqlParams,
  ctx: ShopContext,
  filters: AnalyticsFilters,
  grain: "months" | "days",
  range: { from: string | null; to: string },
  options: FactsOptions,
) {
  const vendorRollup = options.perVendor || Boolean(filters.vendor);
  const table = options.themes
    ? `theme_${vendorRollup ? "vendor_" : ""}${grain}`
    : `${vendorRollup ? "vendor" : "answer"}_${grain}`;
  const at = grain === "months" ? "m.month" : "m.day";
  const where = [`m.shop = ${q.p(ctx.shop)}`, `${at} ${grain === "months" ? "<" : "<="} ${q.p(range.to)}::date`];
  if (range.from) where.push(`${at} >= ${q.p(range.from)}::date`);
  if (filters.stage && !options.anyStage) where.push(`m.stage = ${q.p(STAGE_ENUM[filters.stage])}::"SurveyStage"`);
  if (filters.segment)
    where.push(`m.segment = ${q.p(filters.segment === "none" ? "" : filters.segment.toUpperCase())}`);
  if (vendorRollup) {
    if (filters.vendor) where.push(`m.vendor = ${q.p(filters.vendor)}`);
    // Only vendor_months holds the channel (factsCte reads days from the answers then).
    if (filters.channel) where.push(`m.channel = ${q.p(filters.channel.toUpperCase())}::"Channel"`);
  } else {
    if (filters.channel) where.push(`m.channel = ${q.p(filters.channel.toUpperCase())}::"Channel"`);
    if (filters.country) where.push(`m.country_code = ${q.p(filters.country)}`);
  }
  return `SELECT ${options.perVendor ? "m.vendor," : ""}
      ${grain === "months" ? "m.month, m.month AS day" : "date_trunc('month', m.day)::date AS month, m.day"}, m.stage,
      ${vendorRollup ? `${grain === "months" ? "m.channel" : 'NULL::"Channel"'} AS channel, '' AS country_code` : "m.channel, m.country_code"},
      m.segment, ${options.themes ? "m.theme," : ""} m.promoters, m.passives, m.detractors,
      ${options.themes ? "0 AS down, 0 AS same, 0 AS up" : "m.paired_down AS down, m.paired_same AS same, m.paired_up AS up"}
    FROM ${table} m WHERE ${where.join(" AND ")}`;
}

/**
 * The Monday of facts row b's week, as a date: grouping by it and formatting the groups
 * after costs half of formatting every row (1900-01-01 was a Monday).
 */
export const WEEK_OF_DAY = "(b.day - (b.day - date '1900-01-01') % 7)";

/** The key a group is counted by; `formatKey` turns it into the report's text after grouping. */
function keyExpression(by: GroupBy): string {
  switch (by) {
    case "overall":
      return "'all'";
    case "stage":
      return "CASE b.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END";
    case "vendor":
      return "b.vendor";
    case "segment":
      return "COALESCE(lower(NULLIF(b.segment, '')), 'none')";
    case "week":
      return WEEK_OF_DAY;
    case "month":
      return "b.month";
    case "country":
      return "COALESCE(NULLIF(b.country_code, ''), 'unknown')";
    case "channel":
      return "lower(b.channel::text)";
  }
}

function formatKey(by: GroupBy, key: string): string {
  if (by === "week") return `to_char(${key}, 'YYYY-MM-DD')`;
  if (by === "month") return `to_char(${key}, 'YYYY-MM')`;
  return key;
}

type CountRow = CategoryCounts & { key: string | null; n: number };

export async function query<T>(q: SqlParams, text: string): Promise<T[]> {
  return (await openDatabase().sql.query<T>(text, q.params)).rows;
}

/** Counts per group plus the whole view's counts (key null), in one statement. */
export async function countBy(
  ctx: ShopContext,
  by: GroupBy,
  filters: AnalyticsFilters,
  period: Period,
  options: { anyStage?: boolean } = {},
) {
  const q = new SqlParams();
  const key = keyExpression(by);
  const factOptions = { ...options, daily: by === "week", channelOrCountry: by === "channel" || by === "country" };
  const facts = factsCte("facts", q, ctx, filters, period, factOptions);
  // A brand counts an answer once per vendor, so the whole view is counted apart; any other
  // grouping gets both from one pass.
  const text =
    by === "overall"
      ? `WITH ${facts} SELECT NULL AS key, ${COUNTS} FROM facts b`
      : by === "vendor"
        ? `WITH ${facts}, ${factsCte("vfacts", q, ctx, filters, period, { ...factOptions, perVendor: true })}
         SELECT ${key} AS key, ${COUNTS} FROM vfacts b GROUP BY 1 HAVING sum(b.promoters + b.passives + b.detractors) > 0
         UNION ALL
         SELECT NULL, ${COUNTS} FROM facts b`
        : `WITH ${facts}
         SELECT ${formatKey(by, `CASE WHEN GROUPING(${key}) = 0 THEN ${key} END`)} AS key, ${COUNTS}
         FROM facts b GROUP BY GROUPING SETS ((${key}), ())
         HAVING GROUPING(${key}) = 1 OR sum(b.promoters + b.passives + b.detractors) > 0`;
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
  const post = { ...filters, stage: "post" as const };
  const facts = factsCte("facts", q, ctx, post, period, { channelOrCountry: true });
  const vfacts = factsCte("vfacts", q, ctx, post, period, { perVendor: true });
  const counts = `COALESCE(sum(b.down + b.same + b.up), 0)::int AS pairs, COALESCE(sum(b.down), 0)::int AS down,
    COALESCE(sum(b.same), 0)::int AS same, COALESCE(sum(b.up), 0)::int AS up`;
  const paired = "HAVING sum(b.down + b.same + b.up) > 0";
  const rows = await query<{ dim: string; key: string } & Omit<PairedRow, "downShare" | "key">>(
    q,
    `WITH ${facts}, ${vfacts}
     SELECT 'all' AS dim, 'all' AS key, ${counts} FROM facts b
     UNION ALL
     SELECT 'vendor', b.vendor, ${counts} FROM vfacts b GROUP BY 2 ${paired}
     UNION ALL
     SELECT 'country', COALESCE(NULLIF(b.country_code, ''), 'unknown'), ${counts} FROM facts b GROUP BY 2 ${paired}`,
  );
  const shape = (r: (typeof rows)[number]): PairedRow => ({
    key: r.key,
    pairs: r.pairs,
    down: r.down,
    same: r.same,
    up: r.up,
    downShare: r.pairs ? r.down / r.pairs : null,
  });
  const byShare = (a: PairedRow, b: PairedRow) => b.down - a.down || b.pairs - a.pairs || a.key.localeCompare(b.key);
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
  const facts = factsCte("facts", q, ctx, filters, period);
  const vfacts = factsCte("vfacts", q, ctx, filters, period, { perVendor: true });
  const rows = await query<CountRow & { vendor: string | null; stage: string | null; month: string | null }>(
    q,
    `WITH ${facts}, ${vfacts}
     SELECT b.vendor, CASE b.stage WHEN 'PRE_DELIVERY' THEN 'pre' WHEN 'POST_DELIVERY' THEN 'post' END AS stage,
            to_char(b.month, 'YYYY-MM') AS month, ${COUNTS}
     FROM vfacts b GROUP BY GROUPING SETS ((b.vendor), (b.vendor, b.stage), (b.vendor, b.month))
     HAVING sum(b.promoters + b.passives + b.detractors) > 0
     UNION ALL
     SELECT NULL, NULL, NULL, ${COUNTS} FROM facts b`,
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
  language: string | null;
  /** Theme keys of the comment, in key order. */
  themes: string[];
}

/** The language and theme keys of a comment, for a select over responses r. */
export const COMMENT_THEMES_SQL = `(SELECT cc.language FROM comment_classifications cc WHERE cc.response_id = r.id) AS language,
  ARRAY(SELECT rt.theme FROM response_themes rt WHERE rt.response_id = r.id ORDER BY rt.theme) AS themes`;

/** One vendor: its NPS against the rest, by stage and month, and its latest comments. */
export async function loadBrand(shop: string, vendor: string, filters: AnalyticsFilters, page = 1, pageSize = 20) {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today);
  const scoped = { ...filters, vendor };
  const q = new SqlParams();
  const { conditions } = answerConditions(q.p, ctx.shop, scoped, period);
  const limit = q.p(pageSize + 1);
  const offset = q.p((Math.max(1, page) - 1) * pageSize);
  // All five at once: the comments do not depend on the counts.
  const [mine, everyone, stages, trend, comments] = await Promise.all([
    countBy(ctx, "overall", scoped, period),
    countBy(ctx, "overall", { ...filters, vendor: undefined }, period),
    reportFor(ctx, "stage", scoped, period),
    reportFor(ctx, defaultGranularity(period), scoped, period),
    // Newest first, so the (shop, answered_at) index is walked back until a page is found.
    query<CommentRow>(
      q,
      `SELECT r.id, o.name AS "orderName", CASE r.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END AS stage,
              r.score, r.category::text AS category, r.comment, to_char(r.answered_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "answeredAt",
              ${COMMENT_THEMES_SQL}
       FROM responses r JOIN orders o ON o.id = r.order_id
       WHERE ${conditions.join(" AND ")} AND r.comment IS NOT NULL AND r.comment <> ''
       ORDER BY r.answered_at DESC, r.id DESC LIMIT ${limit} OFFSET ${offset}`,
    ),
  ]);
  // The brand against the answers of orders without it, as on the Brands page.
  const overall =
    mine.total.n > 0
      ? {
          ...toGroup(vendor, mine.total, ctx.minAnswers),
          comparison: compare(mine.total, minus(everyone.total, mine.total), "rest"),
        }
      : null;
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
  const vfacts = factsCte("vfacts", q, ctx, filters, period, { perVendor: true });
  const [segments, customers, cells] = await Promise.all([
    reportFor(ctx, "segment", filters, period),
    // Kept per segment by triggers on customers (the dashboard_rollups migration).
    openDatabase()
      .sql.query<{ segment: string; customers: number; revenue: string }>(
        `SELECT COALESCE(lower(NULLIF(segment, '')), 'none') AS segment, customers, revenue::text AS revenue
         FROM segment_totals WHERE shop = $1 AND customers > 0`,
        [ctx.shop],
      )
      .then((r) => r.rows),
    query<CountRow & { vendor: string; segment: string }>(
      q,
      `WITH ${vfacts}
       SELECT b.vendor, COALESCE(lower(NULLIF(b.segment, '')), 'none') AS segment, ${COUNTS}
       FROM vfacts b GROUP BY 1, 2 HAVING sum(b.promoters + b.passives + b.detractors) > 0 ORDER BY 1, 2`,
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
/**
 * Deletes a shop's rollup rows that count nothing: left behind when answers move away (a
 * day's answers deleted, or every segment moved by an RFM run), they would only lengthen the
 * dashboards' scans. Safe beside writers: a row one of them is changing is deleted only if
 * it still counts nothing once that write commits. Run by the daily job after RFM.
 */
export async function pruneRollups(shop: string): Promise<number> {
  const db = openDatabase().sql;
  const empty = "promoters = 0 AND passives = 0 AND detractors = 0";
  const paired = "paired_down = 0 AND paired_same = 0 AND paired_up = 0";
  let pruned = 0;
  for (const [table, condition] of [
    ["answer_days", `${empty} AND ${paired}`],
    ["answer_months", `${empty} AND ${paired}`],
    ["vendor_days", `${empty} AND ${paired}`],
    ["vendor_months", `${empty} AND ${paired}`],
    ["theme_days", empty],
    ["theme_months", empty],
    ["theme_vendor_days", empty],
    ["theme_vendor_months", empty],
  ] as const) {
    const { rows } = await db.query<{ n: number }>(
      `WITH gone AS (DELETE FROM ${table} WHERE shop = $1 AND ${condition} RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [shop],
    );
    pruned += rows[0]?.n ?? 0;
  }
  return pruned;
}

export async function loadShopState(shop: string) {
  const { rows } = await openDatabase().sql.query<{ answers: boolean; importing: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM responses WHERE shop = $1) AS answers,
            EXISTS (SELECT 1 FROM history_imports WHERE running_shop = $1) AS importing`,
    [shop],
  );
  return rows[0]!;
}

/**
 * Vendors of the shop's lines, countries of its answers and its themes, for the filter menus. Both walk an
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
  const [{ rows }, themes] = await Promise.all([
    openDatabase().sql.query<{ vendors: string[] | null; countries: string[] | null }>(
      `SELECT (${distinct("order_lines", "vendor")}) AS vendors, (${distinct("responses", "country_code")}) AS countries`,
      [shop],
    ),
    listShopThemes(shop),
  ]);
  return {
    vendors: rows[0]?.vendors ?? [],
    countries: rows[0]?.countries ?? [],
    themes: themes.filter((t) => t.enabled).map((t) => ({ key: t.key, label: t.label.en || t.key })),
  };
}
