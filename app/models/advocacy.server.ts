import { randomInt } from "node:crypto";
import { openDatabase } from "../db.server";
import {
  formatOffer,
  handleFromTitle,
  normaliseCode,
  type ReferralSettings,
  ReferralSettingsSchema,
  DiscountTermsSchema,
  discountInput,
  reviewTarget,
  shareStepFor,
} from "../domain/advocacy";
import type { Period } from "../domain/analytics-filters";
import { readSettings } from "../domain/settings";
import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import { chooseLocale, type ShopperLocale } from "../domain/shopper-locales";
import { Prisma } from "../generated/prisma/client";
import type { ScoreCategory } from "../generated/prisma/enums";
import { type AdminGraphql, adminQueryThrottled } from "../lib/admin-graphql";
import { type ShareLinkKind, signShareLink, verifyShareLink } from "../lib/share-links.server";

type Tx = Prisma.TransactionClient;

// No 0/O or 1/I: a code is read aloud and typed from a phone.
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** A new random code such as FRIEND-7K3Q9PXM: nothing personal, since friends see it. */
export function newDiscountCode(prefix: string): string {
  let random = "";
  for (let i = 0; i < 8; i++) random += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${prefix}-${random}`;
}

/** The default App Proxy path (shopify.app.toml [app_proxy]); merchants may rename it. */
export const DEFAULT_PROXY_PREFIX = "/apps/nps";

/**
 * A customer's referral code still worth giving: the newest, unless it has expired or expires
 * within a day (friends would find it refused).
 */
const USABLE_REFERRAL = `purpose = 'REFERRAL' AND (ends_at IS NULL OR ends_at > now() + interval '1 day')`;

/**
 * In a promoter's answer transaction: the promoter's referral code, reused when they have a
 * usable one (one per customer; per answer for a guest), else a new one, PENDING until
 * Shopify has it. While it is not ACTIVE, a DISCOUNT_CODE action of this answer creates it
 * in Shopify; asking again after a failure tries again.
 */
export async function requestReferralCode(
  tx: Tx,
  input: { shop: string; responseId: number; customerId: number | null; terms: ReferralSettings },
): Promise<void> {
  // One code per customer: two answers of theirs at once take turns here. (NO KEY: the
  // customer's orders and answers, which only reference the row, do not wait.)
  if (input.customerId !== null) {
    await tx.$queryRaw`SELECT 1 FROM customers WHERE id = ${input.customerId} FOR NO KEY UPDATE`;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await tx.$queryRaw<Array<{ id: number; status: string }>>`
      SELECT id, status::text FROM discount_codes
      WHERE shop = ${input.shop} AND ${Prisma.raw(USABLE_REFERRAL)}
        AND (customer_id = ${input.customerId} OR (${input.customerId}::int IS NULL AND response_id = ${input.responseId}))
      ORDER BY id DESC LIMIT 1`;
    let codeId = existing[0]?.id;
    if (existing[0]?.status === "ACTIVE") return;
    if (codeId === undefined) {
      // A guest's expired code gives its answer up to the new one.
      if (input.customerId === null) {
        await tx.$executeRaw`UPDATE discount_codes SET response_id = NULL WHERE response_id = ${input.responseId}`;
      }
      // ON CONFLICT DO NOTHING: a guest's concurrent answer, or (once in 10^12) a random code
      // already taken, leaves no row, and the loop looks again.
      const inserted = await tx.$queryRaw<Array<{ id: number }>>`
        INSERT INTO discount_codes (shop, purpose, customer_id, response_id, code, terms)
        VALUES (${input.shop}, 'REFERRAL', ${input.customerId}, ${input.responseId},
                ${newDiscountCode(input.terms.codePrefix)}, ${JSON.stringify(input.terms)}::jsonb)
        ON CONFLICT DO NOTHING RETURNING id`;
      codeId = inserted[0]?.id;
      if (codeId === undefined) continue;
    } else if (existing[0]?.status === "FAILED") {
      await tx.$executeRaw`UPDATE discount_codes SET status = 'PENDING' WHERE id = ${codeId}`;
    }
    await tx.$executeRaw`
      INSERT INTO answer_actions (shop, response_id, kind, key)
      VALUES (${input.shop}, ${input.responseId}, 'DISCOUNT_CODE', ${`discount:${codeId}`})
      ON CONFLICT (response_id, key) DO UPDATE SET status = 'PENDING', attempts = 0, last_error = NULL,
        next_attempt_at = now(), done_at = NULL
      WHERE answer_actions.status IN ('FAILED', 'SKIPPED')`;
    return;
  }
  throw new Error("could not reserve a referral code");
}

const DISCOUNT_CODE_BASIC_CREATE = `#graphql
  mutation NpsReferralCode($basicCodeDiscount: DiscountCodeBasicInput!) {
    discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) {
      codeDiscountNode {
        id
      }
      userErrors {
        field
        code
        message
      }
    }
  }`;

const CODE_DISCOUNT_BY_CODE = `#graphql
  query NpsDiscountByCode($code: String!) {
    codeDiscountNodeByCode(code: $code) {
      id
      codeDiscount {
        ... on DiscountCodeBasic {
          title
        }
      }
    }
  }`;

type CreatePayload = {
  discountCodeBasicCreate: {
    codeDiscountNode: { id: string } | null;
    userErrors: Array<{ field?: string[] | null; code?: string | null; message: string }>;
  };
};

/**
 * Creates a PENDING code in Shopify and marks it ACTIVE; an ACTIVE one is left alone. When
 * Shopify says the code is taken, an earlier try whose answer was lost may have created it:
 * a discount of that code with this app's title is adopted, anything else is an error.
 */
export async function createDiscountInShopify(
  codeId: number,
  graphql: AdminGraphql,
  options: { wait?: (ms: number) => Promise<unknown>; now?: Date } = {},
): Promise<"created" | "adopted" | "already" | "gone"> {
  const db = openDatabase();
  const row = (
    await db.sql.query<{
      code: string;
      status: string;
      purpose: "REFERRAL" | "APOLOGY";
      terms: unknown;
      customer_gid: string | null;
      wanted: boolean;
    }>(
      `SELECT dc.code, dc.status::text AS status, dc.purpose::text AS purpose, dc.terms,
              CASE WHEN c.redacted_at IS NULL THEN 'gid://shopify/Customer/' || c.shopify_id END AS customer_gid,
              -- A referral code whose promoter changed their mind (10 became 3) is not created.
              dc.purpose <> 'REFERRAL' OR EXISTS (
                SELECT 1 FROM responses r WHERE r.shop = dc.shop AND r.category = 'PROMOTER'
                  AND (r.customer_id = dc.customer_id OR r.id = dc.response_id)) AS wanted
       FROM discount_codes dc LEFT JOIN customers c ON c.id = dc.customer_id WHERE dc.id = $1`,
      [codeId],
    )
  ).rows[0];
  if (!row || !row.wanted) return "gone";
  if (row.status === "ACTIVE") return "already";
  if (row.purpose === "APOLOGY" && !row.customer_gid) return "gone";
  const terms = DiscountTermsSchema.parse(row.terms);
  const input = discountInput(row.purpose, terms, row.code, options.now ?? new Date(), row.customer_gid);
  const result = (
    await adminQueryThrottled<CreatePayload>(
      graphql,
      DISCOUNT_CODE_BASIC_CREATE,
      { basicCodeDiscount: input },
      { wait: options.wait },
    )
  ).discountCodeBasicCreate;
  let discountId = result.codeDiscountNode?.id ?? null;
  let outcome: "created" | "adopted" = "created";
  if (!discountId) {
    const taken = result.userErrors.some((e) => e.code === "TAKEN" && e.field?.includes("code"));
    if (!taken || result.userErrors.length > 1) {
      throw new Error(
        `discountCodeBasicCreate: ${result.userErrors.map((e) => e.message).join("; ") || "no discount"}`,
      );
    }
    const found = await adminQueryThrottled<{
      codeDiscountNodeByCode: { id: string; codeDiscount: { title?: string } } | null;
    }>(graphql, CODE_DISCOUNT_BY_CODE, { code: row.code }, { wait: options.wait });
    const node = found.codeDiscountNodeByCode;
    if (!node || node.codeDiscount.title !== input.title) {
      throw new Error(`The code ${row.code} is already used by another discount of the shop`);
    }
    discountId = node.id;
    outcome = "adopted";
  }
  await db.sql.query(
    `UPDATE discount_codes SET status = 'ACTIVE', discount_id = $2, activated_at = now(), ends_at = $3::timestamptz
     WHERE id = $1`,
    [codeId, discountId, input.endsAt],
  );
  return outcome;
}

/** A code Shopify will not get (no Admin API, or the tries ran out): the share step says so. */
export async function markDiscountCodeUnavailable(codeId: number): Promise<void> {
  await openDatabase().sql.query("UPDATE discount_codes SET status = 'FAILED' WHERE id = $1 AND status = 'PENDING'", [
    codeId,
  ]);
}

export interface ShareView {
  title: string;
  referral:
    | {
        state: "active";
        text: string;
        codeLabel: string;
        code: string;
        copy: string;
        copied: string;
        shareLabel: string;
        linkLabel: string;
        shareText: string;
        /** The store with the code applied, through the app so that the visit is counted. */
        shareUrl: string;
      }
    | { state: "pending" | "unavailable"; text: string }
    | null;
  review: { text: string; button: string; url: string } | null;
}

async function readShareRow(shop: string, invitationId: number) {
  return (
    await openDatabase().sql.query<{
      response_id: number;
      category: ScoreCategory;
      settings: unknown;
      shop_name: string | null;
      currency: string | null;
      code: string | null;
      code_status: string | null;
      terms: unknown;
    }>(
      `SELECT r.id AS response_id, r.category::text AS category, s.settings, s.name AS shop_name,
              coalesce(s.currency, o.currency) AS currency, dc.code, dc.status::text AS code_status, dc.terms
       FROM responses r JOIN shops s ON s.domain = r.shop JOIN orders o ON o.id = r.order_id
       LEFT JOIN LATERAL (SELECT code, status, terms FROM discount_codes d
                          WHERE d.shop = r.shop AND d.purpose = 'REFERRAL' AND (d.ends_at IS NULL OR d.ends_at > now())
                            AND (d.customer_id = r.customer_id OR (r.customer_id IS NULL AND d.response_id = r.id))
                          ORDER BY d.id DESC LIMIT 1) dc ON true
       WHERE r.shop = $1 AND r.invitation_id = $2`,
      [shop, invitationId],
    )
  ).rows[0];
}

/**
 * The share step of an answered survey, in the shopper's language, or null when there is
 * nothing to offer. Showing it is counted (once per answer in the funnel, repeats beside).
 * `linkBase` is the storefront address of the App Proxy: https://<shop>/apps/nps.
 */
export async function loadShareStep(input: {
  shop: string;
  invitationId: number;
  locale: ShopperLocale;
  linkBase: string;
  /** Right after an answer: wait this long for a new code to become ACTIVE. */
  waitMs?: number;
  /** Count the step as shown (the share email counts it when it is sent). */
  record?: boolean;
}): Promise<ShareView | null> {
  const deadline = Date.now() + (input.waitMs ?? 0);
  let row = await readShareRow(input.shop, input.invitationId);
  while (row?.code_status === "PENDING" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    row = await readShareRow(input.shop, input.invitationId);
  }
  if (!row) return null;
  const advocacy = readSettings(row.settings).advocacy;
  const step = shareStepFor(row.category, advocacy);
  const t = SHOPPER_TEXTS[input.locale].share;
  const shopName = row.shop_name ?? input.shop.replace(/\.myshopify\.com$/, "");
  const link = (kind: ShareLinkKind) => `${input.linkBase}/r/${signShareLink(input.shop, row.response_id, kind)}`;

  let referral: ShareView["referral"] = null;
  // A code already given stays on show even if the merchant later turns referrals off: the
  // promoter may have shared it.
  if (step.referral || (row.category === "PROMOTER" && row.code_status === "ACTIVE")) {
    if (row.code_status === "ACTIVE" && row.code) {
      const terms = ReferralSettingsSchema.parse(row.terms);
      const offer = formatOffer(terms, input.locale, row.currency ?? "USD");
      referral = {
        state: "active",
        text: fill(t.referral, { offer }),
        codeLabel: t.codeLabel,
        code: row.code,
        copy: t.copy,
        copied: t.copied,
        shareLabel: t.shareLink,
        linkLabel: t.linkLabel,
        shareText: fill(t.shareText, { offer, shop: shopName, code: row.code }),
        shareUrl: link("share"),
      };
    } else if (row.code_status === "FAILED") {
      referral = { state: "unavailable", text: t.unavailable };
    } else if (row.code_status === "PENDING") {
      referral = { state: "pending", text: t.pending };
    }
  }
  const review =
    step.review === null
      ? null
      : {
          text: step.review === "site" ? fill(t.reviewSite, { site: advocacy.review.siteName ?? "" }) : t.reviewProduct,
          button: t.reviewButton,
          url: link("review"),
        };
  if (!referral && !review) return null;
  if (input.record !== false) await recordShareEvent(input.shop, row.response_id, "SHOWN");
  return { title: t.title, referral, review };
}

export async function recordShareEvent(
  shop: string,
  responseId: number,
  kind: "SHOWN" | "REVIEW_CLICK" | "SHARE_CLICK",
) {
  await openDatabase().sql.query(
    `INSERT INTO share_events (shop, response_id, kind) VALUES ($1, $2, $3::"ShareEventKind")
     ON CONFLICT (response_id, kind) DO UPDATE SET count = share_events.count + 1, last_at = now()`,
    [shop, responseId, kind],
  );
}

export type ShareLinkResult = { location: string } | { status: 404 | 410; locale: ShopperLocale | null };

/**
 * Follows a share-step link: the address is worked out here from the answer and the shop's
 * current settings (never taken from the link), the click is counted, and the caller redirects.
 * `resolveHandle` gives a product's handle from Shopify, or null when it cannot be asked.
 */
export async function followShareLink(
  shop: string,
  link: string,
  resolveHandle: (productId: string) => Promise<string | null>,
): Promise<ShareLinkResult> {
  const verified = verifyShareLink(shop, link);
  if (!verified || verified.kind === "unsubscribe") return { status: 404, locale: null };
  const row = (
    await openDatabase().sql.query<{
      category: ScoreCategory;
      settings: unknown;
      locale: string | null;
      code: string | null;
      product_id: string | null;
      title: string | null;
    }>(
      `SELECT r.category::text AS category, s.settings, r.locale, dc.code, l.product_id::text AS product_id, l.title
       FROM responses r JOIN shops s ON s.domain = r.shop
       LEFT JOIN LATERAL (SELECT code FROM discount_codes d
                          WHERE d.shop = r.shop AND d.purpose = 'REFERRAL' AND d.status = 'ACTIVE' AND d.ends_at > now()
                            AND (d.customer_id = r.customer_id OR (r.customer_id IS NULL AND d.response_id = r.id))
                          ORDER BY d.id DESC LIMIT 1) dc ON true
       LEFT JOIN LATERAL (SELECT product_id, title FROM order_lines ol
                          WHERE ol.order_id = r.order_id AND ol.product_id IS NOT NULL
                          ORDER BY ol.amount DESC, ol.id LIMIT 1) l ON true
       WHERE r.shop = $1 AND r.id = $2`,
      [shop, verified.responseId],
    )
  ).rows[0];
  if (!row) return { status: 404, locale: null };
  const locale = chooseLocale(row.locale, null);
  if (verified.kind === "share") {
    if (!row.code) return { status: 410, locale };
    await recordShareEvent(shop, verified.responseId, "SHARE_CLICK");
    // Shopify's shareable discount link: applies the code, then shows the home page.
    return { location: `/discount/${encodeURIComponent(row.code)}?redirect=%2F` };
  }
  const advocacy = readSettings(row.settings).advocacy;
  const step = shareStepFor(row.category, advocacy);
  if (!step.review) return { status: 410, locale };
  const handle = row.product_id
    ? ((await resolveHandle(row.product_id)) ?? (row.title ? handleFromTitle(row.title) : null))
    : null;
  const target = reviewTarget(advocacy.review, { shopDomain: shop, handle, productId: row.product_id });
  if (!target) return { status: 410, locale };
  await recordShareEvent(shop, verified.responseId, "REVIEW_CLICK");
  return { location: target };
}

const PRODUCT_HANDLE = `#graphql
  query NpsProductHandle($id: ID!) {
    product(id: $id) {
      handle
    }
  }`;

/** A product's handle from the Admin API, or null when Shopify cannot be asked in time. */
export async function productHandle(graphql: AdminGraphql | null, productId: string): Promise<string | null> {
  if (!graphql) return null;
  try {
    const data = await Promise.race([
      adminQueryThrottled<{ product: { handle: string } | null }>(
        graphql,
        PRODUCT_HANDLE,
        { id: `gid://shopify/Product/${productId}` },
        { tries: 1 },
      ),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 3000).unref()),
    ]);
    return data?.product?.handle ?? null;
  } catch {
    return null;
  }
}

/**
 * In the order's ingest transaction: orders that used one of the app's codes point at it.
 * A promoter's own use of their referral code is not a referral (an apology code is the
 * customer's own); codes are matched without regard to case, as Shopify does.
 */
export async function attributeDiscountCodes(
  tx: Tx,
  shop: string,
  orders: Array<{ shopifyId: bigint; discountCodes: string[] }>,
): Promise<void> {
  // A newer snapshot without the code (edited in the admin) no longer credits it.
  const without = orders.filter((o) => o.discountCodes.length === 0).map((o) => o.shopifyId.toString());
  if (without.length > 0) {
    await tx.$executeRaw`
      UPDATE orders SET discount_code_id = NULL
      WHERE shop = ${shop} AND shopify_id = ANY(${without}::bigint[]) AND discount_code_id IS NOT NULL`;
  }
  const pairs = orders.flatMap((o) => o.discountCodes.map((c) => [o.shopifyId.toString(), normaliseCode(c)] as const));
  if (pairs.length === 0) return;
  await tx.$executeRaw`
    UPDATE orders o SET discount_code_id = dc.id
    FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS x(order_id, code)
    JOIN discount_codes dc ON dc.shop = ${shop} AND dc.code = x.code
    WHERE o.shop = ${shop} AND o.shopify_id = x.order_id::bigint
      AND o.discount_code_id IS DISTINCT FROM dc.id
      AND (dc.purpose <> 'REFERRAL' OR (
            NOT coalesce(o.customer_id = dc.customer_id, false)
            -- A guest promoter is known by the email of the order they answered about.
            AND NOT coalesce(dc.customer_id IS NULL AND o.email_key = (
              SELECT po.email_key FROM responses pr JOIN orders po ON po.id = pr.order_id
              WHERE pr.id = dc.response_id), false)))`;
}

export interface AdvocacyFunnel {
  shown: number;
  reviewClicks: number;
  reviewClickers: number;
  shareClicks: number;
  codes: number;
  codesUsed: number;
  referralOrders: number;
  referralRevenue: string;
  /** Apology codes sent with a case's apology, those used, and the orders' total. */
  apologyCodes: number;
  apologyCodesUsed: number;
  apologyRevenue: string;
  currency: string | null;
}

/**
 * The share step's funnel: shown, clicked, codes given and used, referral orders and revenue;
 * beside it, the apology codes sent from cases and the orders that used them.
 * With a period (days in the shop's time zone), each counts what happened within it: a step
 * shown, a code created, an order placed.
 */
export async function loadAdvocacyFunnel(shop: string, period?: Period): Promise<AdvocacyFunnel> {
  const from = period?.from ?? null;
  const to = period?.to ?? null;
  // Timestamps are stored as UTC without a zone: first say so, then convert to the shop's.
  const day = (column: string) => `((${column} AT TIME ZONE 'UTC') AT TIME ZONE tz)::date`;
  const within = (column: string) =>
    `($2::date IS NULL OR ${day(column)} >= $2::date) AND ($3::date IS NULL OR ${day(column)} <= $3::date)`;
  const { rows } = await openDatabase().sql.query<AdvocacyFunnel>(
    `WITH z AS (SELECT shop_time_zone($1) AS tz),
     ev AS (SELECT kind, count(*)::int AS n, coalesce(sum(count), 0)::int AS total
            FROM share_events, z WHERE shop = $1 AND ${within("first_at")} GROUP BY kind)
     SELECT
       coalesce((SELECT n FROM ev WHERE kind = 'SHOWN'), 0) AS shown,
       coalesce((SELECT total FROM ev WHERE kind = 'REVIEW_CLICK'), 0) AS "reviewClicks",
       coalesce((SELECT n FROM ev WHERE kind = 'REVIEW_CLICK'), 0) AS "reviewClickers",
       coalesce((SELECT total FROM ev WHERE kind = 'SHARE_CLICK'), 0) AS "shareClicks",
       (SELECT count(*)::int FROM discount_codes, z
        WHERE shop = $1 AND purpose = 'REFERRAL' AND status = 'ACTIVE' AND ${within("created_at")}) AS codes,
       (SELECT count(*)::int FROM discount_codes, z
        WHERE shop = $1 AND purpose = 'APOLOGY' AND status = 'ACTIVE' AND ${within("created_at")}) AS "apologyCodes",
       u."codesUsed", u."referralOrders", u."referralRevenue", u."apologyCodesUsed", u."apologyRevenue",
       (SELECT currency FROM shops WHERE domain = $1) AS currency
     FROM (SELECT count(DISTINCT o.discount_code_id) FILTER (WHERE dc.purpose = 'REFERRAL')::int AS "codesUsed",
                  count(*) FILTER (WHERE dc.purpose = 'REFERRAL')::int AS "referralOrders",
                  coalesce(sum(o.current_total) FILTER (WHERE dc.purpose = 'REFERRAL'), 0)::text AS "referralRevenue",
                  count(DISTINCT o.discount_code_id) FILTER (WHERE dc.purpose = 'APOLOGY')::int AS "apologyCodesUsed",
                  coalesce(sum(o.current_total) FILTER (WHERE dc.purpose = 'APOLOGY'), 0)::text AS "apologyRevenue"
           FROM discount_codes dc JOIN orders o ON o.discount_code_id = dc.id, z
           WHERE dc.shop = $1 AND o.cancelled_at IS NULL AND NOT o.test
             AND ${within("o.order_created_at")}) u`,
    [shop, from, to],
  );
  return rows[0]!;
}

/**
 * In a promoter's answer transaction, when the shop mails the share step: one email per
 * answer, to the address the survey went to, sent once its referral code is made.
 */
export async function requestShareEmail(tx: Tx, input: { shop: string; responseId: number }): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO answer_actions (shop, response_id, kind, key, next_attempt_at)
    SELECT r.shop, r.id, 'SHARE_EMAIL', 'share-email', now()
    FROM responses r JOIN survey_invitations i ON i.id = r.invitation_id
    -- Only to an address the survey itself was emailed to.
    WHERE r.id = ${input.responseId} AND r.shop = ${input.shop} AND i.email IS NOT NULL AND i.sent_at IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM email_suppressions es WHERE es.shop = r.shop AND es.email = lower(i.email))
    ON CONFLICT (response_id, key) DO NOTHING`;
}

export interface ShareEmailFacts {
  shop: string;
  email: string;
  invitationId: number;
  locale: ShopperLocale;
  shopName: string;
  shopEmail: string | null;
  orderName: string;
  category: ScoreCategory;
  settings: unknown;
  suppressed: boolean;
  uninstalled: boolean;
}

/** What the share email of an answer needs: its address, language and the shop. */
export async function shareEmailFacts(responseId: number): Promise<ShareEmailFacts | null> {
  const row = (
    await openDatabase().sql.query<{
      shop: string;
      email: string | null;
      invitation_id: number;
      locale: string | null;
      primary_locale: string;
      shop_name: string | null;
      shop_email: string | null;
      order_name: string;
      category: ScoreCategory;
      settings: unknown;
      suppressed: boolean;
      redacted: boolean;
      uninstalled: boolean;
    }>(
      `SELECT r.shop, i.email, i.id AS invitation_id, r.locale, s.primary_locale, s.name AS shop_name, s.email AS shop_email,
              o.name AS order_name, r.category::text AS category, s.settings,
              EXISTS (SELECT 1 FROM email_suppressions es WHERE es.shop = r.shop AND es.email = lower(i.email)) AS suppressed,
              o.redacted_at IS NOT NULL AS redacted, s.uninstalled_at IS NOT NULL AS uninstalled
       FROM responses r JOIN survey_invitations i ON i.id = r.invitation_id
       JOIN orders o ON o.id = r.order_id JOIN shops s ON s.domain = r.shop
       WHERE r.id = $1 AND i.sent_at IS NOT NULL`,
      [responseId],
    )
  ).rows[0];
  if (!row?.email || row.redacted) return null;
  return {
    shop: row.shop,
    email: row.email,
    invitationId: row.invitation_id,
    locale: chooseLocale(row.locale, row.primary_locale),
    shopName: row.shop_name ?? row.shop.replace(/\.myshopify\.com$/, ""),
    shopEmail: row.shop_email,
    orderName: row.order_name,
    category: row.category,
    settings: row.settings,
    suppressed: row.suppressed,
    uninstalled: row.uninstalled,
  };
}

/**
 * The shop's emails to an answer's address stop (a share email's unsubscribe link, signed
 * for that answer); `confirm: false` only says whose address it is, for the confirmation page.
 */
export async function unsubscribeByAnswerLink(
  shop: string,
  link: string,
  confirm: boolean,
): Promise<{ locale: ShopperLocale; shopName: string } | null> {
  const verified = verifyShareLink(shop, link);
  if (verified?.kind !== "unsubscribe") return null;
  const facts = await shareEmailFacts(verified.responseId);
  if (!facts || facts.shop !== shop) return null;
  if (confirm) {
    await openDatabase().sql.query(
      "INSERT INTO email_suppressions (shop, email) VALUES ($1, lower($2)) ON CONFLICT (shop, email) DO NOTHING",
      [shop, facts.email],
    );
  }
  return { locale: facts.locale, shopName: facts.shopName };
}
