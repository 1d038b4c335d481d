import { openDatabase } from "../db.server";
import { mondayOf } from "../domain/theme-trends";
import { shopContext } from "./analytics.server";
import { loadThemeTrends } from "./theme-analytics.server";
import { listShopThemes } from "./themes.server";

/**
 * Looks at this week's share of each theme in the shops with a THEME_SPIKE alert rule (all of
 * them, or `shops`), and for a week that spikes records it once per rule and theme, with an
 * alert by email and Slack through the answer actions (carried by the theme's latest answer
 * of the week, which the alert quotes). Safe to run again and from two processes: the spike's
 * key (rule, theme, week) lets one of them record it. Returns the spikes recorded.
 */
export async function checkThemeSpikes(shops?: string[]): Promise<number> {
  const db = openDatabase();
  const { rows: rules } = await db.sql.query<{
    id: number;
    shop: string;
    theme: string | null;
    emails: boolean;
    slack: boolean;
  }>(
    `SELECT id, shop, theme, cardinality(emails) > 0 AS emails, slack_webhook_url IS NOT NULL AS slack
     FROM alert_rules WHERE kind = 'THEME_SPIKE' AND enabled ${shops ? "AND shop = ANY($1::text[])" : ""}
     ORDER BY shop, id`,
    shops ? [shops] : [],
  );
  // Shops whose webhook endpoints take theme.spike events are watched too.
  const { rows: listening } = await db.sql.query<{ shop: string }>(
    `SELECT DISTINCT shop FROM webhook_endpoints
     WHERE enabled AND 'theme.spike' = ANY(topics) ${shops ? "AND shop = ANY($1::text[])" : ""}`,
    shops ? [shops] : [],
  );
  let recorded = 0;
  for (const shop of new Set([...rules.map((r) => r.shop), ...listening.map((l) => l.shop)])) {
    const { today } = await shopContext(shop);
    const week = mondayOf(today);
    const trends = await loadThemeTrends(shop, { from: week, to: today });
    if (listening.some((l) => l.shop === shop)) recorded += await recordSpikeEvents(shop, week, trends.themes);
    for (const rule of rules.filter((r) => r.shop === shop)) {
      for (const trend of trends.themes) {
        if (rule.theme !== null && rule.theme !== trend.key) continue;
        const now = trend.weeks.at(-1);
        if (!now?.spike || now.week !== week) continue;
        const targets = [rule.emails ? "email" : null, rule.slack ? "slack" : null].filter(Boolean);
        const { rows } = await db.sql.query<{ response_id: number | null }>(
          `WITH spike AS (
             INSERT INTO theme_spikes (rule_id, theme, week, shop, answers, mentions, baseline, p_value)
             VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8)
             ON CONFLICT DO NOTHING RETURNING rule_id),
           latest AS (
             SELECT t.response_id FROM response_themes t, spike
             WHERE t.shop = $4 AND t.theme = $2 AND t.answered_day >= $3::date
             ORDER BY t.response_id DESC LIMIT 1),
           alerts AS (
             INSERT INTO answer_actions (shop, response_id, kind, rule_id, key, digest, next_attempt_at)
             SELECT $4, latest.response_id, CASE target WHEN 'email' THEN 'ALERT_EMAIL' ELSE 'ALERT_SLACK' END::"ActionKind",
                    $1, 'spike:' || $1 || ':' || $2 || ':' || $3 || ':' || target, false, now()
             FROM latest CROSS JOIN unnest($9::text[]) AS target
             ON CONFLICT (response_id, key) DO NOTHING)
           SELECT latest.response_id FROM spike LEFT JOIN latest ON true`,
          [rule.id, trend.key, week, shop, now.answers, now.mentions, now.baseline ?? 0, now.pValue ?? 0, targets],
        );
        recorded += rows.length;
      }
    }
  }
  return recorded;
}

type Trend = Awaited<ReturnType<typeof loadThemeTrends>>["themes"][number];

/**
 * theme.spike events for this week's spiking themes: once per shop, theme and week (the
 * theme_spike_events row says it was sent), to each enabled endpoint that takes them. The
 * event rides on the theme's latest answer of the week, like a spike alert.
 */
async function recordSpikeEvents(shop: string, week: string, themes: Trend[]): Promise<number> {
  const labels = new Map((await listShopThemes(shop)).map((t) => [t.key, t.label.en || t.key]));
  let recorded = 0;
  for (const trend of themes) {
    const now = trend.weeks.at(-1);
    if (!now?.spike || now.week !== week) continue;
    const { rows } = await openDatabase().sql.query<{ n: number }>(
      `WITH first AS (
         INSERT INTO theme_spike_events (shop, theme, week) VALUES ($1, $2, $3::date)
         ON CONFLICT DO NOTHING RETURNING shop),
       latest AS (
         SELECT t.response_id FROM response_themes t, first
         WHERE t.shop = $1 AND t.theme = $2 AND t.answered_day >= $3::date
         ORDER BY t.response_id DESC LIMIT 1),
       sent AS (
         INSERT INTO answer_actions (shop, response_id, kind, key, endpoint_id, payload)
         SELECT $1, latest.response_id, 'WEBHOOK', 'webhook:' || e.id || ':spike:' || $2 || ':' || $3, e.id,
                jsonb_build_object('id', gen_random_uuid()::text, 'topic', 'theme.spike', 'shop', $1,
                  'created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                  'data', jsonb_build_object(
                    'theme', jsonb_build_object('key', $2::text, 'label', $4::text), 'week', $3::text,
                    'answers', $5::int, 'mentions', $6::int, 'baseline', $7::float8, 'p_value', $8::float8))
         FROM latest JOIN webhook_endpoints e ON e.shop = $1 AND e.enabled AND 'theme.spike' = ANY(e.topics)
         ON CONFLICT (response_id, key) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS n FROM sent`,
      [
        shop,
        trend.key,
        week,
        labels.get(trend.key) ?? trend.key,
        now.answers,
        now.mentions,
        now.baseline ?? 0,
        now.pValue ?? 0,
      ],
    );
    recorded += rows[0]!.n > 0 ? 1 : 0;
  }
  return recorded;
}

export interface SpikeAlert {
  theme: string;
  label: string;
  week: string;
  answers: number;
  mentions: number;
  baseline: number;
  pValue: number;
  /** The week's latest comments about the theme. */
  comments: Array<{ score: number; comment: string; orderName: string }>;
}

/** What a spike alert says, from its action's key (spike:<rule>:<theme>:<week>:<target>). */
export async function loadSpikeAlert(shop: string, key: string): Promise<SpikeAlert | null> {
  const match = /^spike:(\d+):([a-z][a-z0-9_]*):(\d{4}-\d{2}-\d{2}):/.exec(key);
  if (!match) return null;
  const [, ruleId, theme, week] = match;
  const db = openDatabase();
  const { rows } = await db.sql.query<Omit<SpikeAlert, "label" | "comments">>(
    `SELECT theme, to_char(week, 'YYYY-MM-DD') AS week, answers, mentions, baseline, p_value AS "pValue"
     FROM theme_spikes WHERE rule_id = $1 AND theme = $2 AND week = $3::date AND shop = $4`,
    [Number(ruleId), theme, week, shop],
  );
  const spike = rows[0];
  if (!spike) return null;
  const [{ rows: comments }, themes] = await Promise.all([
    db.sql.query<{ score: number; comment: string; orderName: string }>(
      `SELECT r.score, r.comment, o.name AS "orderName"
       FROM response_themes t JOIN responses r ON r.id = t.response_id JOIN orders o ON o.id = r.order_id
       WHERE t.shop = $1 AND t.theme = $2 AND t.answered_day >= $3::date AND t.answered_day < $3::date + 7
         AND r.comment IS NOT NULL
       ORDER BY t.response_id DESC LIMIT 5`,
      [shop, theme, week],
    ),
    listShopThemes(shop),
  ]);
  const label = themes.find((t) => t.key === theme)?.label.en || theme!;
  return { ...spike, label, comments };
}
