import type { AnalyticsFilters, DatePreset } from "../domain/analytics-filters";
import { resolvePeriod } from "../domain/analytics-filters";
import { type DiscoveredPhrase, type DiscoveryComment, discoverPhrases } from "../domain/theme-discovery";
import type { ShopperLocale } from "../domain/shopper-locales";
import { answerConditions, factsCte, query, shopContext, SqlParams } from "./analytics.server";

/** Comments read at most on each side: the latest, which is what a merchant acts on. */
const SAMPLE = 3000;

/** How many of the view's read comments have no theme (the Themes page's pointer to discovery). */
export async function countUncovered(shop: string, filters: AnalyticsFilters, fallback: DatePreset = "12m") {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, fallback);
  // Counted on the smaller side of each: the few comments no theme covers through the count of
  // themes kept with each comment, the others from the theme rollups' '*', which counts each
  // answer mentioning any theme once (joining every comment with its answer took 150 ms on
  // 90,000, counting them in response_themes 60 ms). The answer of each uncovered comment is
  // looked up by id (a scalar subquery, which the planner keeps as it is): once the answers'
  // table was compact, it preferred reading all 150,000 of the view's answers, 10 -> 63 ms.
  const q = new SqlParams();
  const facts = factsCte("facts", q, ctx, filters, period, { themes: true, covered: true });
  const { conditions } = answerConditions(q.p, shop, filters, period);
  const rows = await query<{ covered: number; uncovered: number }>(
    q,
    `WITH ${facts}
     SELECT (SELECT COALESCE(sum(b.promoters + b.passives + b.detractors), 0)::int FROM facts b WHERE b.theme = '*') AS covered,
            (SELECT count(*)::int FROM comment_classifications c
             WHERE c.shop = ${q.p(shop)} AND NOT c.pending AND c.themes = 0
               AND (SELECT true FROM responses r WHERE r.id = c.response_id AND ${conditions.join(" AND ")})) AS uncovered`,
  );
  const row = rows[0] ?? { covered: 0, uncovered: 0 };
  return { commented: row.covered + row.uncovered, uncovered: row.uncovered };
}

export interface DiscoveryExample {
  id: number;
  comment: string;
  score: number;
  orderName: string;
}

/**
 * The phrases of the view's comments that no theme covers, per language, against the view's
 * other comments (app/domain/theme-discovery.ts), read from the latest 3,000 of each, with
 * their example comments.
 */
export async function loadUncovered(shop: string, filters: AnalyticsFilters, fallback: DatePreset = "12m") {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, fallback);
  const sample = (covered: boolean) => {
    const q = new SqlParams();
    const { conditions } = answerConditions(q.p, shop, filters, period);
    // The uncovered comments, newest first from their index, each answer looked up by id (a
    // LATERAL subquery the planner cannot flatten): joined, it read all the view's answers.
    const answers = covered
      ? `JOIN responses r ON r.id = c.response_id AND ${conditions.join(" AND ")}`
      : `CROSS JOIN LATERAL (SELECT r.id, r.comment FROM responses r
           WHERE r.id = c.response_id AND ${conditions.join(" AND ")} OFFSET 0) r`;
    return query<DiscoveryComment>(
      q,
      `SELECT r.id, r.comment AS text, c.language
       FROM comment_classifications c ${answers}
       WHERE c.shop = ${q.p(shop)} AND NOT c.pending AND c.themes ${covered ? "> 0" : "= 0"}
       ORDER BY c.response_id DESC LIMIT ${q.p(SAMPLE)}`,
    );
  };
  const [uncovered, covered, counts] = await Promise.all([
    sample(false),
    sample(true),
    countUncovered(shop, filters, fallback),
  ]);
  const phrases = discoverPhrases(
    uncovered.map((c) => ({ ...c, language: (c.language ?? "en") as ShopperLocale })),
    covered.map((c) => ({ ...c, language: (c.language ?? "en") as ShopperLocale })),
  );
  const ids = [...new Set(phrases.flatMap((p) => p.examples))];
  const q = new SqlParams();
  const examples = ids.length
    ? await query<DiscoveryExample>(
        q,
        `SELECT r.id, r.comment, r.score, o.name AS "orderName"
         FROM responses r JOIN orders o ON o.id = r.order_id
         WHERE r.shop = ${q.p(shop)} AND r.id = ANY(${q.p(ids)}::int[])`,
      )
    : [];
  const byId = new Map(examples.map((e) => [e.id, e]));
  return {
    period,
    ...counts,
    sampled: uncovered.length,
    phrases: phrases.map((p): DiscoveredPhrase & { exampleComments: DiscoveryExample[] } => ({
      ...p,
      exampleComments: p.examples.flatMap((id) => byId.get(id) ?? []),
    })),
  };
}
