import prisma, { openDatabase } from "../db.server";
import { assembleCustomerData, purgeDownloadedDataRequests } from "../models/compliance.server";
import { DEMO_SHOP } from "../env.server";
import { refreshCustomerWorth } from "../models/customer-worth.server";
import { computeRfm } from "../models/rfm.server";
import { refreshCaseOutcomes } from "../models/cases.server";
import { newShopSettings } from "../models/shops.server";
import { SHOPPER_TEXTS } from "../domain/shopper-texts";
import { demoComments } from "./comments";
import { DEMO_ASSIGNEES, DEMO_LOCALES, DEMO_VENDORS, DEMO_STORY, FIRST_NAMES, LAST_NAMES } from "./content";

export interface SeedOptions {
  shop?: string;
  /** The shop's survey settings (JSON); the defaults for new shops when omitted. */
  settings?: unknown;
  orders: number;
  customers: number;
  /** Deterministic data for the same seed (PostgreSQL setseed, -1..1). */
  seed?: number;
  /** Scales how many shoppers answer (1 = the demo's rates, about 0.6 answers per order). */
  answerRate?: number;
}

const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;
const textArray = (items: string[]) => `(ARRAY[${items.map(lit).join(",")}]::text[])`;

/**
 * The demo shop's history, generated set-based in SQL: customers with a skewed
 * repeat-purchase distribution, orders over two years with lines from ~40 brands,
 * pre- and post-delivery answers whose scores depend on brand, delivery and customer
 * value, comments in five languages, and follow-up cases in every state.
 */
/** What promoters praise, and what the others complain about, before and after delivery. */
const PRE_PRAISE = ["website_checkout", "price_value", "stock_range", "customer_service"];
const POST_PRAISE = [
  "product_quality",
  "product_quality",
  "delivery_time",
  "packaging",
  "customer_service",
  "size_fit",
];
const PRE_COMPLAINTS = ["website_checkout", "price_value", "price_value", "stock_range", "customer_service", "loyalty"];
const POST_COMPLAINTS = [
  "product_quality",
  "product_quality",
  "delivery_time",
  "customer_service",
  "returns_refunds",
  "wrong_or_missing",
  "damaged",
  "delivery_problem",
  "price_value",
  "packaging",
  "loyalty",
];

/** One of `keys`, by a uniform random number in SQL. */
const pick = (u: string, keys: string[]) => `(${textArray(keys)})[1 + floor(${u} * ${keys.length})::int]`;

/** Whether a timestamp falls in the week the courier lost parcels (DEMO_STORY.courierWeeksAgo). */
const courierWeek = (at: string) =>
  `(${at} >= date_trunc('week', now()) - interval '${DEMO_STORY.courierWeeksAgo} weeks'
    AND ${at} < date_trunc('week', now()) - interval '${DEMO_STORY.courierWeeksAgo - 1} weeks')`;

const DEMO_SCOPES =
  "read_orders,read_all_orders,read_customers,write_customers,write_app_proxy,write_discounts,read_products";

/** The demo shop and its offline session, installed `installedAgo` (a PostgreSQL interval) ago. */
function demoShopSql(shop: string, settings: unknown, installedAgo: string): string {
  return `
INSERT INTO shops (domain, name, email, primary_locale, currency, timezone, is_demo, settings, scopes, installed_at,
                   updated_at)
VALUES (${lit(shop)}, 'NPS Demo Store', 'owner@nps-demo.example', 'en', 'EUR', 'Europe/Amsterdam', true,
        ${lit(JSON.stringify(settings))}::jsonb, ${lit(DEMO_SCOPES)}, now() - interval ${lit(installedAgo)}, now());

INSERT INTO session (id, shop, state, "isOnline", scope, "accessToken")
VALUES (${lit(`offline_${shop}`)}, ${lit(shop)}, '', false, ${lit(DEMO_SCOPES)}, 'demo-offline-token')
ON CONFLICT (id) DO NOTHING;
`;
}

export function demoSeedSql({
  shop = DEMO_SHOP,
  orders,
  customers,
  seed = 0.2026,
  settings = {},
  answerRate = 1,
}: SeedOptions): string {
  const vendorRows = DEMO_VENDORS.map((v, i) => `(${i + 1}, ${lit(v.name)}, ${v.quality}, ${v.slowShipping})`).join(
    ",\n",
  );
  const localeRows = DEMO_LOCALES.map((l) => `(${lit(l.locale)}, ${l.weight}, ${lit(l.country)})`).join(",");
  // Numbered from 1 within each language, category and theme, for a random pick.
  const counters = new Map<string, number>();
  const commentRows = demoComments()
    .map((c) => {
      const group = `${c.locale}|${c.category}|${c.theme}`;
      const idx = (counters.get(group) ?? 0) + 1;
      counters.set(group, idx);
      return `(${lit(c.locale)}, ${lit(c.category)}, ${lit(c.theme)}, ${idx}, ${lit(c.body)})`;
    })
    .join(",\n");
  const q = SHOPPER_TEXTS.en.followUp;
  const vendorCount = DEMO_VENDORS.length;
  return `
SELECT setseed(${seed});
${demoShopSql(shop, settings, "2 years")}

-- The brand set in Shopify (Settings → Brand): a deep green with white text, no logo file.
UPDATE shops SET brand = '{"primary":"#1f5c3b","onPrimary":"#ffffff","logoUrl":null}', brand_synced_at = now()
WHERE domain = ${lit(shop)};

-- A development store on the Pro plan: a test charge, twelve days into its 30-day cycle.
INSERT INTO shop_plans (shop, plan_handle, plan_name, answer_limit, subscription_id, subscription_status, test,
                        subscription_updated_at, cycle_starts_at, cycle_ends_at, updated_at)
VALUES (${lit(shop)}, 'pro', 'Pro', 5000, 'gid://shopify/AppSubscription/1', 'ACTIVE', true,
        now() - interval '12 days', now() - interval '12 days', now() + interval '18 days', now());

-- Set up long ago: the surveys have shown on every surface; the guide was put away.
INSERT INTO shop_setup (shop, embed_seen_at, thank_you_seen_at, order_status_seen_at, settings_saved_at, dismissed_at,
                        updated_at)
VALUES (${lit(shop)}, now() - interval '1 hour', now() - interval '2 hours', now() - interval '3 hours',
        now() - interval '700 days', now() - interval '700 days', now());

CREATE TEMP TABLE demo_vendors (idx int PRIMARY KEY, name text, quality float8, slow boolean) ON COMMIT DROP;
INSERT INTO demo_vendors VALUES ${vendorRows};

CREATE TEMP TABLE demo_locales (locale text, weight int, country text) ON COMMIT DROP;
INSERT INTO demo_locales VALUES ${localeRows};
CREATE TEMP TABLE demo_locale_ranges ON COMMIT DROP AS
  SELECT locale, country,
         (sum(weight) OVER (ORDER BY locale) - weight)::float8 / sum(weight) OVER () AS lo,
         sum(weight) OVER (ORDER BY locale)::float8 / sum(weight) OVER () AS hi
  FROM demo_locales;

CREATE TEMP TABLE demo_comments (locale text, category text, theme text, idx int, body text) ON COMMIT DROP;
INSERT INTO demo_comments VALUES ${commentRows};
CREATE TEMP TABLE demo_comment_counts ON COMMIT DROP AS
  SELECT locale, category, theme, count(*)::int AS n FROM demo_comments GROUP BY locale, category, theme;

-- Customers: a per-customer taste (score bias) and a locale.
CREATE TEMP TABLE demo_customers ON COMMIT DROP AS
  SELECT g AS idx, random() AS u_locale, (random() - 0.5) * 1.6 AS taste,
         ${textArray(FIRST_NAMES)}[1 + floor(random() * ${FIRST_NAMES.length})::int] AS first_name,
         ${textArray(LAST_NAMES)}[1 + floor(random() * ${LAST_NAMES.length})::int] AS last_name
  FROM generate_series(1, ${customers}) g;

INSERT INTO customers (shop, shopify_id, email, first_name, last_name, locale, created_at, updated_at)
SELECT ${lit(shop)}, 7000000000000 + c.idx,
       lower(translate(c.first_name, 'éëèÉÀÁáÅåöøüÜñÑ''', 'eeeEAAaAaoouUnN')) || '.' || c.idx || '@example.com',
       c.first_name, c.last_name, l.locale, now(), now()
FROM demo_customers c JOIN demo_locale_ranges l ON c.u_locale >= l.lo AND c.u_locale < l.hi;

-- Orders: customers chosen with a heavy skew (a few loyal buyers, a long tail of one-off
-- buyers), 8% guest checkouts, more orders in recent months.
CREATE TEMP TABLE demo_orders ON COMMIT DROP AS
  SELECT g AS n,
         CASE WHEN random() < 0.08 THEN NULL ELSE 1 + floor(${customers} * power(random(), 3.2))::int END AS cust_idx,
         now() - (730 * (1 - sqrt(random()))) * interval '1 day' AS created,
         1 + floor(${vendorCount} * power(random(), 1.5))::int AS main_vendor,
         1 + floor(power(random(), 2.2) * 4)::int AS line_count,
         random() AS u_cancel, random() AS u_fulfil, random() AS u_deliver, random() AS u_speed, random() AS u_locale
  FROM generate_series(1, ${orders}) g;

INSERT INTO orders (shop, shopify_id, name, customer_id, email, locale, currency, current_total, total_price,
                    country_code, test, fulfillment_status, order_created_at, processed_at, shopify_updated_at,
                    cancelled_at, fulfilled_at, delivered_at)
SELECT ${lit(shop)}, 6000000000000 + o.n, '#' || (1000 + o.n), cu.id,
       COALESCE(cu.email, 'guest' || o.n || '@example.com'), COALESCE(cu.locale, l.locale), 'EUR', 0, 0,
       COALESCE(cl.country, l.country), false,
       CASE WHEN f.fulfilled_at IS NOT NULL THEN 'fulfilled' END,
       o.created, o.created, GREATEST(o.created, COALESCE(f.delivered_at, f.fulfilled_at, o.created)),
       CASE WHEN o.u_cancel < 0.03 THEN o.created + interval '3 hours' END,
       f.fulfilled_at, f.delivered_at
FROM demo_orders o
JOIN demo_vendors v ON v.idx = o.main_vendor
JOIN demo_locale_ranges l ON o.u_locale >= l.lo AND o.u_locale < l.hi
LEFT JOIN customers cu ON cu.shop = ${lit(shop)} AND cu.shopify_id = 7000000000000 + o.cust_idx
LEFT JOIN demo_locale_ranges cl ON cl.locale = cu.locale
CROSS JOIN LATERAL (
  SELECT CASE WHEN o.u_cancel >= 0.03 AND o.u_fulfil < 0.96
               AND o.created + (1 + o.u_speed * 2 + CASE WHEN v.slow THEN 3 ELSE 0 END) * interval '1 day' < now()
              THEN o.created + (1 + o.u_speed * 2 + CASE WHEN v.slow THEN 3 ELSE 0 END) * interval '1 day' END AS fulfilled_at
) f0
CROSS JOIN LATERAL (
  SELECT f0.fulfilled_at,
         CASE WHEN f0.fulfilled_at IS NOT NULL AND o.u_deliver < 0.75
               AND f0.fulfilled_at + (1 + o.u_deliver * 3 + CASE WHEN v.slow THEN 4 ELSE 0 END) * interval '1 day' < now()
              THEN f0.fulfilled_at + (1 + o.u_deliver * 3 + CASE WHEN v.slow THEN 4 ELSE 0 END) * interval '1 day' END AS delivered_at
) f;

INSERT INTO order_lines (shop, order_id, shopify_line_id, product_id, vendor, title, quantity, amount)
SELECT ${lit(shop)}, ord.id, 9000000000000 + o.n * 10 + k, 8000000000000 + v.idx * 100 + (o.n + k) % 7, v.name,
       v.name || ' item ' || ((o.n + k) % 7 + 1), q.quantity, round((q.unit_price * q.quantity)::numeric, 2)
FROM demo_orders o
JOIN orders ord ON ord.shop = ${lit(shop)} AND ord.shopify_id = 6000000000000 + o.n
CROSS JOIN LATERAL generate_series(1, o.line_count) k
CROSS JOIN LATERAL (
  SELECT CASE WHEN k = 1 THEN o.main_vendor ELSE 1 + floor(${vendorCount} * power(random(), 1.5))::int END AS vendor_idx,
         1 + floor(power(random(), 3) * 3)::int AS quantity,
         round((6 + power(random(), 1.5) * 140)::numeric, 2) AS unit_price
) q
JOIN demo_vendors v ON v.idx = q.vendor_idx;

UPDATE orders o SET total_price = t.total,
       current_total = CASE WHEN o.cancelled_at IS NULL THEN t.total ELSE 0 END
FROM (SELECT order_id, sum(amount) AS total FROM order_lines WHERE shop = ${lit(shop)} GROUP BY order_id) t
WHERE o.id = t.order_id;

UPDATE customers c SET orders_count = a.n, total_spent = a.spent, first_order_at = a.first_at, last_order_at = a.last_at
FROM (SELECT customer_id, count(*) AS n, sum(current_total) AS spent, min(order_created_at) AS first_at,
             max(order_created_at) AS last_at
      FROM orders WHERE shop = ${lit(shop)} AND cancelled_at IS NULL AND customer_id IS NOT NULL GROUP BY customer_id) a
WHERE c.id = a.customer_id;

-- Invitations: pre-delivery an hour after the order, post-delivery a day after delivery
-- (or three after fulfilment). Loyal customers answer more often.
CREATE TEMP TABLE demo_invitations ON COMMIT DROP AS
  SELECT o.id AS order_id, o.customer_id, s.stage, o.email, o.locale, s.send_at,
         random() < (s.base_rate + LEAST(COALESCE(c.orders_count, 1) - 1, 6) * 0.03) * ${Number(answerRate)} AS answers,
         random() AS u_channel, random() AS u_delay, random() AS u_comment, random() AS u_noise1,
         random() AS u_noise2, random() AS u_noise3, random() AS u_incident, random() AS u_theme,
         random() AS u_theme2, random() AS u_pick
  FROM orders o
  LEFT JOIN customers c ON c.id = o.customer_id
  CROSS JOIN LATERAL (
    VALUES ('PRE_DELIVERY'::"SurveyStage", o.order_created_at + interval '1 hour', 0.30),
           ('POST_DELIVERY'::"SurveyStage",
            COALESCE(o.delivered_at + interval '1 day', o.fulfilled_at + interval '3 days'), 0.24)
  ) AS s(stage, send_at, base_rate)
  WHERE o.shop = ${lit(shop)} AND o.cancelled_at IS NULL AND s.send_at IS NOT NULL;

INSERT INTO survey_invitations (shop, order_id, customer_id, stage, status, token_hash, email, locale, send_at, sent_at,
                                expires_at, channel, attempts)
SELECT ${lit(shop)}, i.order_id, i.customer_id, i.stage,
       (CASE WHEN i.send_at > now() THEN 'SCHEDULED'
             WHEN i.answers THEN 'ANSWERED'
             WHEN i.send_at + interval '30 days' < now() THEN 'EXPIRED'
             ELSE 'SENT' END)::"InvitationStatus",
       md5(i.order_id || ':' || i.stage || ':' || random()),
       i.email, i.locale, i.send_at,
       CASE WHEN i.send_at <= now() THEN i.send_at END,
       i.send_at + interval '30 days',
       CASE WHEN i.send_at <= now() THEN 'EMAIL'::"Channel" END,
       CASE WHEN i.send_at <= now() THEN 1 ELSE 0 END
FROM demo_invitations i;

-- Scores: brand quality, the customer's taste and loyalty, late parcels after delivery, noise.
CREATE TEMP TABLE demo_answers ON COMMIT DROP AS
  SELECT si.id AS invitation_id, si.order_id, si.customer_id, si.stage, si.locale,
         LEAST(si.send_at + (0.05 + power(i.u_delay, 3) * 6) * interval '1 day', now()) AS answered_at,
         GREATEST(0, LEAST(10, round(
           8.1 + vq.quality + COALESCE(dc.taste, 0) + LEAST(COALESCE(c.orders_count, 1) - 1, 8) * 0.12
           + CASE WHEN si.stage = 'POST_DELIVERY' AND vq.slow THEN -1.6
                  WHEN si.stage = 'POST_DELIVERY' THEN -0.2 ELSE 0.3 END
           -- The story (DEMO_STORY): one brand's parcels arrive broken, another's sizes are off,
           -- and one recent week a courier loses parcels.
           + CASE WHEN si.stage = 'POST_DELIVERY' AND vq.damaged THEN -1.8 ELSE 0 END
           + CASE WHEN si.stage = 'POST_DELIVERY' AND vq.sizing THEN -1.2 ELSE 0 END
           + CASE WHEN si.stage = 'POST_DELIVERY' AND ${courierWeek("si.send_at")} THEN -2.5 ELSE 0 END
           + (i.u_noise1 + i.u_noise2 + i.u_noise3 - 1.5) * 2.6
           -- Now and then something goes badly wrong (a lost or broken parcel), most often
           -- after delivery from the slow-shipping brands: the furious 0-2 scores.
           - CASE WHEN i.u_incident < CASE WHEN si.stage = 'POST_DELIVERY' AND vq.slow THEN 0.07
                                           WHEN si.stage = 'POST_DELIVERY' THEN 0.025 ELSE 0.008 END
                  THEN 7 ELSE 0 END)))::int AS score,
         i.u_channel, i.u_comment, i.u_theme, i.u_theme2, i.u_pick,
         si.stage = 'POST_DELIVERY' AND vq.damaged AS story_damaged,
         si.stage = 'POST_DELIVERY' AND vq.sizing AS story_sizing,
         si.stage = 'POST_DELIVERY' AND ${courierWeek("si.send_at")} AS story_courier,
         si.stage = 'POST_DELIVERY' AND vq.slow AS story_slow
  FROM demo_invitations i
  JOIN survey_invitations si ON si.order_id = i.order_id AND si.stage = i.stage
  LEFT JOIN customers c ON c.id = i.customer_id
  LEFT JOIN demo_customers dc ON c.shopify_id = 7000000000000 + dc.idx
  CROSS JOIN LATERAL (
    SELECT avg(v.quality) AS quality, bool_or(v.slow) AS slow,
           bool_or(v.name = ${lit(DEMO_STORY.damagedBrand)}) AS damaged, bool_or(v.name = ${lit(DEMO_STORY.sizingBrand)}) AS sizing
    FROM order_lines ol JOIN demo_vendors v ON v.name = ol.vendor WHERE ol.order_id = i.order_id
  ) vq
  WHERE si.status = 'ANSWERED';

INSERT INTO responses (shop, invitation_id, order_id, customer_id, stage, score, category, follow_up_question, comment,
                       channel, locale, answered_at, created_at, updated_at)
SELECT ${lit(shop)}, a.invitation_id, a.order_id, a.customer_id, a.stage, a.score, cat.category::"ScoreCategory",
       CASE cat.category WHEN 'PROMOTER' THEN ${lit(q.PROMOTER)} WHEN 'PASSIVE' THEN ${lit(q.PASSIVE)}
                         ELSE ${lit(q.DETRACTOR)} END,
       CASE WHEN a.u_comment < 0.45 THEN (
         SELECT dc.body FROM demo_comments dc JOIN demo_comment_counts cc USING (locale, category, theme)
         WHERE dc.locale = COALESCE(a.locale, 'en') AND dc.category = cat.category AND dc.theme = th.theme
           AND dc.idx = 1 + floor(a.u_pick * cc.n)::int) END,
       (CASE WHEN a.stage = 'PRE_DELIVERY' THEN
          CASE WHEN a.u_channel < 0.55 THEN 'EMAIL' WHEN a.u_channel < 0.80 THEN 'THANK_YOU'
               WHEN a.u_channel < 0.90 THEN 'ORDER_STATUS' ELSE 'STOREFRONT' END
        ELSE CASE WHEN a.u_channel < 0.70 THEN 'EMAIL' WHEN a.u_channel < 0.85 THEN 'ORDER_STATUS'
                  ELSE 'STOREFRONT' END END)::"Channel",
       a.locale, a.answered_at, a.answered_at, a.answered_at
FROM demo_answers a
CROSS JOIN LATERAL (SELECT CASE WHEN a.score >= 9 THEN 'PROMOTER' WHEN a.score >= 7 THEN 'PASSIVE'
                                ELSE 'DETRACTOR' END AS category) cat
-- What the comment is about: praise for promoters; the story's problems where it has them;
-- else what shoppers complain about at that stage.
CROSS JOIN LATERAL (SELECT CASE
    WHEN cat.category = 'PROMOTER' AND a.stage = 'PRE_DELIVERY' THEN ${pick("a.u_theme2", PRE_PRAISE)}
    WHEN cat.category = 'PROMOTER' THEN ${pick("a.u_theme2", POST_PRAISE)}
    WHEN a.story_courier AND a.u_theme < 0.7 THEN 'delivery_problem'
    WHEN a.story_damaged AND a.u_theme < 0.65 THEN 'damaged'
    WHEN a.story_sizing AND a.u_theme < 0.6 THEN 'size_fit'
    WHEN a.story_slow AND a.u_theme < 0.4 THEN 'delivery_time'
    WHEN a.stage = 'PRE_DELIVERY' THEN ${pick("a.u_theme2", PRE_COMPLAINTS)}
    ELSE ${pick("a.u_theme2", POST_COMPLAINTS)} END AS theme) th;

UPDATE survey_invitations si SET channel = r.channel FROM responses r
WHERE r.invitation_id = si.id AND si.shop = ${lit(shop)};

-- Follow-up cases for detractors, further along the older they are.
INSERT INTO follow_up_cases (shop, response_id, status, assignee, due_at, resolved_at, created_at, updated_at)
SELECT ${lit(shop)}, r.id, st.status::"CaseStatus",
       CASE WHEN st.status <> 'NEW' THEN ${textArray(DEMO_ASSIGNEES)}[1 + (r.id % ${DEMO_ASSIGNEES.length})] END,
       r.answered_at + CASE WHEN r.score <= 2 THEN interval '24 hours' ELSE interval '72 hours' END,
       CASE WHEN st.status IN ('RESOLVED', 'WON_BACK', 'CLOSED')
            THEN LEAST(r.answered_at + (1 + (r.id % 9)) * interval '1 day', now()) END,
       r.answered_at, now()
FROM responses r
CROSS JOIN LATERAL (SELECT random() AS u, now() - r.answered_at AS age) x
CROSS JOIN LATERAL (
  SELECT CASE WHEN x.age < interval '3 days' THEN CASE WHEN x.u < 0.7 THEN 'NEW' ELSE 'CONTACTED' END
              WHEN x.age < interval '30 days' THEN
                CASE WHEN x.u < 0.25 THEN 'NEW' WHEN x.u < 0.6 THEN 'CONTACTED' WHEN x.u < 0.8 THEN 'RESOLVED'
                     WHEN x.u < 0.9 THEN 'WON_BACK' ELSE 'CLOSED' END
              ELSE CASE WHEN x.u < 0.05 THEN 'NEW' WHEN x.u < 0.15 THEN 'CONTACTED' WHEN x.u < 0.55 THEN 'RESOLVED'
                        WHEN x.u < 0.8 THEN 'WON_BACK' ELSE 'CLOSED' END END AS status
) st
WHERE r.shop = ${lit(shop)} AND r.category = 'DETRACTOR';

INSERT INTO case_events (case_id, actor, field, from_value, to_value, created_at)
SELECT fc.id, fc.assignee, 'status', 'NEW', fc.status::text, fc.created_at + interval '2 hours'
FROM follow_up_cases fc WHERE fc.shop = ${lit(shop)} AND fc.status <> 'NEW';

INSERT INTO case_notes (case_id, author, body, created_at)
SELECT fc.id, fc.assignee, 'Called the customer and offered a replacement.', fc.created_at + interval '3 hours'
FROM follow_up_cases fc WHERE fc.shop = ${lit(shop)} AND fc.status IN ('CONTACTED', 'RESOLVED', 'WON_BACK');
`;
}

/** Seeds the demo shop unless it exists; returns whether it seeded and how long it took. */
export async function seedDemoShop(options: SeedOptions): Promise<{ seeded: boolean; ms: number }> {
  const db = openDatabase();
  const shop = options.shop ?? DEMO_SHOP;
  const started = performance.now();
  const existing = await db.sql.query<{ n: number }>("SELECT count(*)::int AS n FROM shops WHERE domain = $1", [shop]);
  if (existing.rows[0]!.n > 0) return { seeded: false, ms: 0 };
  if (options.orders === 0) {
    // A shop as it is right after install: no orders, no answers, the free plan, nothing set up.
    await db.sql.exec(demoShopSql(shop, newShopSettings(), "5 minutes"));
    return { seeded: true, ms: Math.round(performance.now() - started) };
  }
  // One multi-statement script runs as one implicit transaction: an interrupted or failed
  // seed leaves no half-made shop behind.
  await db.sql.exec(demoSeedSql({ settings: { ...newShopSettings(), advocacy: DEMO_ADVOCACY }, ...options }));
  // The planner's statistics still describe the empty tables: what follows (RFM, the first
  // pages) would be planned for a shop without orders.
  await db.sql.exec("ANALYZE");
  await computeRfm(shop, new Date().toISOString().slice(0, 10));
  await refreshCustomerWorth(shop);
  await refreshCaseOutcomes(shop);
  await seedDataRequests(shop);
  await db.sql.exec(demoAdvocacySql(shop));
  return { seeded: true, ms: Math.round(performance.now() - started) };
}

/**
 * A demo customer with a referral code who has not been asked lately: the screenshots place
 * an order as them and answer its survey.
 */
export const DEMO_REFERRER_ID = 7000000999999n;

/** The demo's share step: 15 % for promoters' friends, and Judge.me product reviews. */
export const DEMO_ADVOCACY = {
  referral: {
    enabled: true,
    type: "percentage",
    value: 15,
    minimumSubtotal: null,
    validDays: 90,
    codePrefix: "FRIEND",
  },
  review: {
    kind: "product",
    productUrl: "https://{shop_domain}/products/{handle}#judgeme_product_reviews",
    siteUrl: null,
    siteName: null,
  },
} as const;

/**
 * The share step's history: a referral code for each customer who was a promoter in the last
 * six months (as if Shopify had created it when they answered), the step shown to every such
 * answer with some clicks, and about a third of the codes used by a friend's later order.
 */
function demoAdvocacySql(shop: string): string {
  return `
SELECT setseed(0.7);
INSERT INTO discount_codes (shop, purpose, customer_id, response_id, code, status, discount_id, terms, created_at,
                            activated_at, ends_at)
SELECT DISTINCT ON (r.customer_id) r.shop, 'REFERRAL', r.customer_id, r.id,
       -- Eight hex digits of the answer's id times an odd number modulo 2^32: unique for every
       -- id below 2^32 and random-looking (eight digits of an md5 collided on a shop of
       -- 1,000,000 orders, whose promoters of six months hold tens of thousands of codes).
       'FRIEND-' || translate(upper(lpad(to_hex((r.id::bigint * 2654435761) % 4294967296), 8, '0')), '01', 'QR'),
       'ACTIVE',
       'gid://shopify/DiscountCodeNode/' || (900000 + r.id), ${lit(JSON.stringify(DEMO_ADVOCACY.referral))}::jsonb,
       r.answered_at, r.answered_at, r.answered_at + interval '${DEMO_ADVOCACY.referral.validDays} days'
FROM responses r
WHERE r.shop = ${lit(shop)} AND r.category = 'PROMOTER' AND r.customer_id IS NOT NULL
  AND r.answered_at > now() - interval '180 days'
ORDER BY r.customer_id, r.answered_at;
-- A customer not asked for two months becomes Ana Sousa, Shopify id ${DEMO_REFERRER_ID}, with a
-- code of her own: the screenshots place an order as her and answer its survey.
UPDATE customers SET shopify_id = ${DEMO_REFERRER_ID}, email = 'ana.referrer@example.com', first_name = 'Ana',
                     last_name = 'Sousa', locale = 'en'
WHERE id = (SELECT c.id FROM customers c
            WHERE c.shop = ${lit(shop)}
              -- The shop too: invitations are indexed by (shop, customer_id), and without it
              -- each customer scanned the whole index (minutes on a 1,000,000-order shop).
              AND NOT EXISTS (SELECT 1 FROM survey_invitations i
                              WHERE i.shop = c.shop AND i.customer_id = c.id
                                AND i.created_at > now() - interval '60 days')
            ORDER BY c.id LIMIT 1);
DELETE FROM discount_codes WHERE customer_id = (SELECT id FROM customers WHERE shop = ${lit(shop)} AND shopify_id = ${DEMO_REFERRER_ID});
INSERT INTO discount_codes (shop, purpose, customer_id, code, status, discount_id, terms, created_at, activated_at, ends_at)
SELECT c.shop, 'REFERRAL', c.id, 'FRIEND-7K3Q9PXM', 'ACTIVE', 'gid://shopify/DiscountCodeNode/900000',
       ${lit(JSON.stringify(DEMO_ADVOCACY.referral))}::jsonb, now() - interval '30 days', now() - interval '30 days',
       now() + interval '60 days'
FROM customers c WHERE c.shop = ${lit(shop)} AND c.shopify_id = ${DEMO_REFERRER_ID};

INSERT INTO share_events (shop, response_id, kind, count, first_at, last_at)
SELECT r.shop, r.id, 'SHOWN', 1 + (r.id % 3 = 0)::int, r.answered_at, r.answered_at
FROM responses r
WHERE r.shop = ${lit(shop)} AND r.category = 'PROMOTER' AND r.answered_at > now() - interval '180 days';
-- One draw per answer and kind, in a column, so that the planner cannot share it between kinds.
INSERT INTO share_events (shop, response_id, kind, count, first_at, last_at)
SELECT e.shop, e.response_id, k.kind::"ShareEventKind", 1 + floor(e.u * 5)::int % 2, e.first_at, e.first_at
FROM (SELECT shop, response_id, first_at, random() AS u, random() AS v FROM share_events
      WHERE shop = ${lit(shop)} AND kind = 'SHOWN') e
JOIN LATERAL (SELECT 'SHARE_CLICK' AS kind WHERE e.u < 0.3 UNION ALL SELECT 'REVIEW_CLICK' WHERE e.v < 0.22) k ON true;

UPDATE orders o SET discount_code_id = pick.code_id
FROM (SELECT DISTINCT ON (later.id) later.id AS order_id, dc.id AS code_id
      FROM discount_codes dc
      CROSS JOIN LATERAL (SELECT o2.id FROM orders o2
                          WHERE o2.shop = dc.shop AND o2.order_created_at > dc.created_at
                            AND o2.customer_id IS DISTINCT FROM dc.customer_id AND o2.cancelled_at IS NULL
                          ORDER BY o2.order_created_at LIMIT 1 OFFSET floor(random() * 40)::int) later
      WHERE dc.shop = ${lit(shop)} AND random() < 0.35
      ORDER BY later.id) pick
WHERE o.id = pick.order_id;
`;
}

/**
 * Three customers' data requests, assembled by the app's own code: one waiting for the
 * merchant, one downloaded 12 days ago, one downloaded 40 days ago and so purged.
 */
async function seedDataRequests(shop: string) {
  const customers = await prisma.customer.findMany({
    where: { shop, email: { not: null } },
    orderBy: { id: "asc" },
    take: 3,
    select: { shopifyId: true, email: true, orders: { select: { shopifyId: true }, take: 5 } },
  });
  const day = 86_400_000;
  for (const [i, c] of customers.entries()) {
    // As the webhook inbox allows it: on a freshly generated large shop the first request
    // reads from a cold cache (5 s measured for 200,000 customers on a busy 2-core machine).
    const { id } = await prisma.$transaction(
      (tx) =>
        assembleCustomerData(tx, shop, {
          shop_id: 1n,
          shop_domain: shop,
          customer: { id: c.shopifyId, email: c.email },
          orders_requested: c.orders.map((o) => o.shopifyId),
        }),
      { timeout: 60_000, maxWait: 30_000 },
    );
    const createdAt = new Date(Date.now() - [2, 14, 45][i]! * day);
    const downloadedAt = i === 0 ? null : new Date(Date.now() - [0, 12, 40][i]! * day);
    await prisma.dataRequest.update({ where: { id }, data: { createdAt, downloadedAt } });
  }
  await purgeDownloadedDataRequests();
}
