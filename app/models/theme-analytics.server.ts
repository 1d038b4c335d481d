import type { AnalyticsFilters, DatePreset } from "../domain/analytics-filters";
import { resolvePeriod } from "../domain/analytics-filters";
import { type CategoryCounts, npsImpact } from "../domain/nps";
import {
  mondayOf,
  shareDifference,
  SPIKE_BASELINE_WEEKS,
  weeksBetween,
  weeklyShares,
  type WeekShare,
} from "../domain/theme-trends";
import {
  answerConditions,
  COMMENT_THEMES_SQL,
  compare,
  countBy,
  factsCte,
  type NpsGroup,
  query,
  shopContext,
  SqlParams,
  toGroup,
  WEEK_OF_DAY,
} from "./analytics.server";
import { listShopThemes } from "./themes.server";

const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10 + 0);

/** A theme's figures in one stage, or in the whole view. */
export interface ThemeFigures extends NpsGroup {
  /** Answers mentioning the theme ÷ all answers of the view. */
  share: number;
  /** The view's NPS minus its NPS without these answers, in points (signed). */
  impact: number | null;
}

export interface ThemeGroup extends ThemeFigures {
  label: string;
  /** The same figures before and after delivery, side by side. */
  pre: ThemeFigures;
  post: ThemeFigures;
}

export interface ThemeReport {
  shop: string;
  by: "theme";
  from: string | null;
  to: string;
  minAnswers: number;
  /** Answers in the view, with a comment or not: the base of every share and impact. */
  answers: number;
  /** Answers whose comment is still waiting to be classified (a backfill or a change of themes). */
  pending: number;
  groups: ThemeGroup[];
}

const ZERO: CategoryCounts = { promoters: 0, passives: 0, detractors: 0 };
const minus = (a: CategoryCounts, b: CategoryCounts): CategoryCounts => ({
  promoters: a.promoters - b.promoters,
  passives: a.passives - b.passives,
  detractors: a.detractors - b.detractors,
});

function figures(key: string, counts: CategoryCounts, all: CategoryCounts & { n: number }, min: number): ThemeFigures {
  const group = toGroup(key, counts, min);
  const n = counts.promoters + counts.passives + counts.detractors;
  return {
    ...group,
    comparison: n > 0 && n < all.n ? compare(counts, minus(all, counts), "rest") : null,
    share: all.n > 0 ? Math.round((n / all.n) * 10_000) / 10_000 : 0,
    impact: n > 0 ? round(npsImpact(all, counts)) : null,
  };
}

/**
 * Per theme of the shop, in the view the filters select: the answers mentioning it and their
 * share, their NPS with its interval, the theme's impact on the view's NPS, and the same
 * before and after delivery. Counted from the theme rollups (factsCte with themes).
 * Themes are listed in the taxonomy's order, switched-off ones left out.
 */
export async function reportThemes(
  shop: string,
  filters: AnalyticsFilters,
  fallback: DatePreset = "12m",
): Promise<ThemeReport> {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, fallback);
  const q = new SqlParams();
  const facts = factsCte("facts", q, ctx, filters, period, { themes: true });
  const pendingQ = new SqlParams();
  const [themes, rows, byStage, pending] = await Promise.all([
    listShopThemes(shop),
    query<CategoryCounts & { theme: string; stage: string }>(
      q,
      `WITH ${facts}
       SELECT b.theme, b.stage::text AS stage, sum(b.promoters)::int AS promoters,
              sum(b.passives)::int AS passives, sum(b.detractors)::int AS detractors
       FROM facts b WHERE b.theme <> '*' GROUP BY 1, 2`,
    ),
    countBy(ctx, "stage", filters, period, { anyStage: true }),
    query<{ n: number }>(
      pendingQ,
      `SELECT count(*)::int AS n FROM comment_classifications WHERE shop = ${pendingQ.p(shop)} AND pending`,
    ),
  ]);
  const stageTotal = (stage: "pre" | "post") => {
    const found = byStage.groups.find((g) => g.key === stage);
    const counts = found ?? { ...ZERO, n: 0 };
    return { ...counts, n: counts.promoters + counts.passives + counts.detractors };
  };
  const totals = {
    pre: stageTotal("pre"),
    post: stageTotal("post"),
    all: filters.stage ? stageTotal(filters.stage) : { ...byStage.total },
  };
  const counted = new Map<string, { pre: CategoryCounts; post: CategoryCounts }>();
  for (const row of rows) {
    const entry = counted.get(row.theme) ?? { pre: { ...ZERO }, post: { ...ZERO } };
    const stage = row.stage === "PRE_DELIVERY" ? "pre" : "post";
    entry[stage] = { promoters: row.promoters, passives: row.passives, detractors: row.detractors };
    counted.set(row.theme, entry);
  }
  const groups = themes
    .filter((t) => t.enabled)
    .map((theme): ThemeGroup => {
      const c = counted.get(theme.key) ?? { pre: ZERO, post: ZERO };
      const inView = filters.stage ? c[filters.stage] : addCounts(c.pre, c.post);
      return {
        ...figures(theme.key, inView, totals.all, ctx.minAnswers),
        label: theme.label.en || theme.key,
        pre: figures(theme.key, c.pre, totals.pre, ctx.minAnswers),
        post: figures(theme.key, c.post, totals.post, ctx.minAnswers),
      };
    });
  return {
    shop,
    by: "theme",
    from: period.from,
    to: period.to,
    minAnswers: ctx.minAnswers,
    answers: totals.all.n,
    pending: pending[0]?.n ?? 0,
    groups,
  };
}

function addCounts(a: CategoryCounts, b: CategoryCounts): CategoryCounts {
  return {
    promoters: a.promoters + b.promoters,
    passives: a.passives + b.passives,
    detractors: a.detractors + b.detractors,
  };
}

export interface ThemeCommentRow {
  id: number;
  orderName: string;
  stage: "pre" | "post";
  score: number;
  category: string;
  comment: string;
  /** The words of the comment that matched the theme ("…" stands for words skipped between). */
  words: string[];
  language: string | null;
  answeredAt: string;
  /** All the comment's theme keys, in key order. */
  themes: string[];
}

/**
 * One theme in a view: its figures (as on the Themes page) and the comments that mention it,
 * newest first, with the words that matched. Null when the shop has no such theme.
 */
export async function loadTheme(shop: string, key: string, filters: AnalyticsFilters, page = 1, pageSize = 20) {
  const [report, themes] = await Promise.all([reportThemes(shop, filters), listShopThemes(shop)]);
  const theme = themes.find((t) => t.key === key);
  if (!theme) return null;
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today);
  const q = new SqlParams();
  const { conditions } = answerConditions(q.p, shop, filters, period, { alias: "t", id: "response_id" });
  const comments = await query<ThemeCommentRow>(
    q,
    `SELECT r.id, o.name AS "orderName", CASE r.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END AS stage,
            r.score, r.category::text AS category, r.comment, t.words,
            to_char(r.answered_at, 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "answeredAt", ${COMMENT_THEMES_SQL}
     FROM response_themes t
     JOIN responses r ON r.id = t.response_id
     JOIN orders o ON o.id = r.order_id
     WHERE ${conditions.join(" AND ")} AND t.theme = ${q.p(key)}
     ORDER BY t.answered_day DESC, t.response_id DESC
     LIMIT ${q.p(pageSize + 1)} OFFSET ${q.p((Math.max(1, page) - 1) * pageSize)}`,
  );
  return {
    theme,
    figures: report.groups.find((g) => g.key === key) ?? null,
    answers: report.answers,
    period: { from: report.from, to: report.to },
    minAnswers: report.minAnswers,
    comments: comments.slice(0, pageSize),
    page: Math.max(1, page),
    hasNext: comments.length > pageSize,
  };
}

export interface ThemeTrend {
  key: string;
  weeks: WeekShare[];
  /** The latest week of the view that is a spike, if any. */
  latestSpike: WeekShare | null;
}

/** Weeks a trend shows at most (the latest ones of the view). */
const TREND_WEEKS = 52;

/**
 * Each theme's share of the view's answers per week, with spikes (app/domain/theme-trends.ts):
 * the view's weeks (its latest 52 at most), each judged against the eight weeks before it,
 * which are counted too.
 */
export async function loadThemeTrends(
  shop: string,
  filters: AnalyticsFilters,
  fallback: DatePreset = "12m",
): Promise<{ weeks: string[]; themes: ThemeTrend[] }> {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, fallback);
  const last = mondayOf(period.to);
  const latestStart = addDays(last, -7 * (TREND_WEEKS - 1));
  const start = period.from && mondayOf(period.from) > latestStart ? mondayOf(period.from) : latestStart;
  const counted = { from: addDays(start, -7 * SPIKE_BASELINE_WEEKS), to: period.to };
  const q = new SqlParams();
  const facts = factsCte("facts", q, ctx, filters, counted, { themes: true, daily: true });
  const [themes, answers, mentions] = await Promise.all([
    listShopThemes(shop),
    countBy(ctx, "week", filters, counted),
    query<{ theme: string; week: string; n: number }>(
      q,
      `WITH ${facts}
       SELECT b.theme, to_char(${WEEK_OF_DAY}, 'YYYY-MM-DD') AS week,
              sum(b.promoters + b.passives + b.detractors)::int AS n
       FROM facts b WHERE b.theme <> '*' GROUP BY b.theme, ${WEEK_OF_DAY}`,
    ),
  ]);
  const allWeeks = weeksBetween(counted.from, last);
  const shown = allWeeks.filter((w) => w >= start);
  const perWeek = new Map(answers.groups.map((g) => [g.key, g.n]));
  const perTheme = new Map<string, Map<string, number>>();
  for (const m of mentions) {
    const weeks = perTheme.get(m.theme) ?? new Map<string, number>();
    weeks.set(m.week, m.n);
    perTheme.set(m.theme, weeks);
  }
  return {
    weeks: shown,
    themes: themes
      .filter((t) => t.enabled)
      .map((theme) => {
        const counts = allWeeks.map((week) => ({
          week,
          answers: perWeek.get(week) ?? 0,
          mentions: perTheme.get(theme.key)?.get(week) ?? 0,
        }));
        const weeks = weeklyShares(counts).filter((w) => w.week >= start);
        return { key: theme.key, weeks, latestSpike: weeks.findLast((w) => w.spike) ?? null };
      }),
  };
}

export interface BreakdownCell {
  theme: string;
  group: string;
  mentions: number;
  /** Mentions ÷ the group's answers; null when the group has fewer answers than the shop's minimum. */
  share: number | null;
  /** The share is significantly above (1) or below (-1) the rest of the view's, else 0. */
  against: -1 | 0 | 1;
}

export interface Breakdown {
  /** The groups, most answers first, with their answers in the view. */
  groups: Array<{ key: string; answers: number }>;
  cells: BreakdownCell[];
}

/** Brands shown in the theme × brand table: those where a theme stands out most, then the largest. */
const BREAKDOWN_BRANDS = 10;

/**
 * Theme × brand and theme × segment: the share of each group's answers that mention each
 * theme, and whether it stands out from the rest of the view (a two-proportion test). Groups
 * below the shop's minimum sample show no share, as on the Segments page.
 */
export async function loadThemeBreakdowns(
  shop: string,
  filters: AnalyticsFilters,
  fallback: DatePreset = "12m",
): Promise<{ minAnswers: number; byBrand: Breakdown; bySegment: Breakdown }> {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, fallback);
  const vendorQ = new SqlParams();
  const vendorFacts = factsCte("facts", vendorQ, ctx, filters, period, { themes: true, perVendor: true });
  const segmentQ = new SqlParams();
  const segmentFacts = factsCte("facts", segmentQ, ctx, filters, period, { themes: true });
  const [vendors, segments, byVendor, bySegment] = await Promise.all([
    countBy(ctx, "vendor", filters, period),
    countBy(ctx, "segment", filters, period),
    query<{ theme: string; group: string; n: number }>(
      vendorQ,
      `WITH ${vendorFacts}
       SELECT b.theme, b.vendor AS "group", sum(b.promoters + b.passives + b.detractors)::int AS n
       FROM facts b WHERE b.theme <> '*' GROUP BY 1, 2 HAVING sum(b.promoters + b.passives + b.detractors) > 0
       ORDER BY 1, 2`,
    ),
    query<{ theme: string; group: string; n: number }>(
      segmentQ,
      `WITH ${segmentFacts}
       SELECT b.theme, COALESCE(lower(NULLIF(b.segment, '')), 'none') AS "group",
              sum(b.promoters + b.passives + b.detractors)::int AS n
       FROM facts b WHERE b.theme <> '*' GROUP BY 1, 2 HAVING sum(b.promoters + b.passives + b.detractors) > 0
       ORDER BY 1, 2`,
    ),
  ]);
  const total = vendors.total.n;
  // Per theme, its mentions in the whole view (an answer counts once, whatever its brands).
  const themeTotals = new Map<string, number>();
  for (const row of bySegment) themeTotals.set(row.theme, (themeTotals.get(row.theme) ?? 0) + row.n);
  const breakdown = (
    groups: Array<{ key: string; n: number }>,
    rows: Array<{ theme: string; group: string; n: number }>,
    limit = Infinity,
  ): Breakdown => {
    const answersOf = new Map(groups.map((g) => [g.key, g.n]));
    const cells = rows
      .filter((r) => answersOf.has(r.group))
      .map((r) => {
        const answers = answersOf.get(r.group)!;
        const enough = answers >= ctx.minAnswers;
        const test = enough
          ? shareDifference(r.n, answers, (themeTotals.get(r.theme) ?? 0) - r.n, total - answers)
          : null;
        return {
          theme: r.theme,
          group: r.group,
          mentions: r.n,
          share: enough ? Math.round((r.n / answers) * 10_000) / 10_000 : null,
          against: (test?.significant ? (test.difference > 0 ? 1 : -1) : 0) as BreakdownCell["against"],
          z: test?.significant && test.difference > 0 ? test.z : 0,
        };
      });
    // The groups where a theme stands out most come first (the brand with the damage
    // problem), then the largest.
    const standsOut = new Map<string, number>();
    for (const c of cells) standsOut.set(c.group, Math.max(standsOut.get(c.group) ?? 0, c.z));
    const shown = [...groups]
      .sort(
        (a, b) => (standsOut.get(b.key) ?? 0) - (standsOut.get(a.key) ?? 0) || b.n - a.n || a.key.localeCompare(b.key),
      )
      .slice(0, limit)
      .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key));
    const keys = new Set(shown.map((g) => g.key));
    return {
      groups: shown.map((g) => ({ key: g.key, answers: g.n })),
      cells: cells.filter((c) => keys.has(c.group)).map(({ z: _z, ...c }) => c),
    };
  };
  return {
    minAnswers: ctx.minAnswers,
    byBrand: breakdown(vendors.groups, byVendor, BREAKDOWN_BRANDS),
    bySegment: breakdown(segments.groups, bySegment),
  };
}

const addDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
