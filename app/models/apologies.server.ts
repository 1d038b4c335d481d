import prisma, { openDatabase } from "../db.server";
import { type ApologySettings, formatOffer } from "../domain/advocacy";
import { readSettings } from "../domain/settings";
import { chooseLocale, type ShopperLocale } from "../domain/shopper-locales";
import { knownTimeZone } from "../domain/time-zone";
import { renderApology, type RenderedApology } from "../email/apology-email";
import type { Mailer } from "../email/mailer.server";
import { SHOP_HEADER } from "../email/mailer.server";
import { env } from "../env.server";
import { wake } from "../workers/wake.server";
import { newDiscountCode } from "./advocacy.server";

/** What stops an apology from being sent, in words the merchant reads. */
export class ApologyRefusedError extends Error {}

interface CaseFacts {
  case_id: number;
  response_id: number;
  customer_id: number | null;
  email: string | null;
  first_name: string | null;
  redacted: boolean;
  suppressed: boolean;
  answer_locale: string | null;
  customer_locale: string | null;
  order_name: string;
  shop_name: string | null;
  shop_email: string | null;
  primary_locale: string;
  currency: string | null;
  timezone: string | null;
  settings: unknown;
  sent_at: string | null;
  actor: string | null;
  code: string | null;
  code_status: string | null;
  used_on: string | null;
  email_status: string | null;
  email_error: string | null;
}

type Reader = Pick<typeof prisma, "$queryRawUnsafe">;

/** Everything an apology needs to know about a case, read inside `db` (a transaction, or not). */
async function caseFacts(shop: string, caseId: number, db: Reader = prisma): Promise<CaseFacts | null> {
  const rows = await db.$queryRawUnsafe<CaseFacts[]>(
    `SELECT fc.id AS case_id, r.id AS response_id, c.id AS customer_id, c.email, c.first_name,
            c.redacted_at IS NOT NULL AS redacted,
            EXISTS (SELECT 1 FROM email_suppressions es WHERE es.shop = fc.shop AND es.email = lower(c.email)) AS suppressed,
            r.locale AS answer_locale, c.locale AS customer_locale, o.name AS order_name,
            s.name AS shop_name, s.email AS shop_email, s.primary_locale, s.currency, s.timezone, s.settings,
            to_char(ev.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS sent_at, ev.actor,
            dc.code, dc.status::text AS code_status,
            (SELECT min(uo.name) FROM orders uo WHERE uo.discount_code_id = dc.id AND uo.cancelled_at IS NULL) AS used_on,
            a.status::text AS email_status, a.last_error AS email_error
     FROM follow_up_cases fc
     JOIN responses r ON r.id = fc.response_id
     JOIN orders o ON o.id = r.order_id
     JOIN shops s ON s.domain = fc.shop
     LEFT JOIN customers c ON c.id = r.customer_id
     LEFT JOIN discount_codes dc ON dc.case_id = fc.id
     LEFT JOIN answer_actions a ON a.response_id = r.id AND a.key = 'apology'
     LEFT JOIN LATERAL (SELECT created_at, actor FROM case_events e
                        WHERE e.case_id = fc.id AND e.field = 'apology' ORDER BY e.id LIMIT 1) ev ON true
     WHERE fc.shop = $1 AND fc.id = $2`,
    shop,
    caseId,
  );
  return rows[0] ?? null;
}

/** Why this customer cannot be written to, or null. */
function refusal(f: CaseFacts): string | null {
  if (f.customer_id === null) return "The answer came from a guest checkout without a customer to write to.";
  if (f.redacted) return "The customer's data was erased at their request.";
  if (!f.email) return "Shopify gave no email address for this customer.";
  if (f.suppressed) return "The customer asked for no more emails from this shop.";
  return null;
}

const localeOf = (f: CaseFacts): ShopperLocale => chooseLocale(f.answer_locale ?? f.customer_locale, f.primary_locale);

function offerFor(f: CaseFacts, terms: ApologySettings, locale: ShopperLocale, code: string, now: Date) {
  const until = new Date(now.getTime() + terms.validDays * 86_400_000);
  return {
    discount: formatOffer(terms, locale, f.currency ?? "USD"),
    code,
    validUntil: new Intl.DateTimeFormat(locale, {
      dateStyle: "long",
      timeZone: knownTimeZone(f.timezone) ?? "UTC",
    }).format(until),
  };
}

export interface ApologyView {
  /** ready: it can be sent; sent: it was (or is going out); unavailable: it cannot be. */
  state: "ready" | "sent" | "unavailable";
  reason: string | null;
  to: string | null;
  locale: ShopperLocale;
  /** The friend-facing discount as the customer reads it ("15 %"). */
  discount: string;
  /** The email as it would go now: with a placeholder code when one is included. */
  preview: { withCode: RenderedApology; withoutCode: RenderedApology } | null;
  sent: {
    at: string;
    by: string | null;
    code: string | null;
    codeStatus: string | null;
    usedOn: string | null;
    emailStatus: string | null;
    error: string | null;
  } | null;
}

/** The case's apology: what would be sent, or what was, and whether its code was used. */
export async function loadApology(shop: string, caseId: number, now: Date = new Date()): Promise<ApologyView | null> {
  const f = await caseFacts(shop, caseId);
  if (!f) return null;
  const terms = readSettings(f.settings).advocacy.apology;
  const locale = localeOf(f);
  const discount = formatOffer(terms, locale, f.currency ?? "USD");
  if (f.sent_at) {
    return {
      state: "sent",
      reason: null,
      to: f.redacted ? null : f.email,
      locale,
      discount,
      preview: null,
      sent: {
        at: f.sent_at,
        by: f.actor,
        code: f.code,
        codeStatus: f.code_status,
        usedOn: f.used_on,
        emailStatus: f.email_status,
        error: f.email_error,
      },
    };
  }
  const reason = refusal(f);
  const values = {
    shopName: f.shop_name ?? shop,
    orderName: f.order_name,
    firstName: f.redacted ? null : f.first_name,
  };
  const sample = `${terms.codePrefix}-XXXXXXXX`;
  return {
    state: reason ? "unavailable" : "ready",
    reason,
    to: reason ? null : f.email,
    locale,
    discount,
    preview: reason
      ? null
      : {
          withCode: renderApology(terms, locale, { ...values, offer: offerFor(f, terms, locale, sample, now) }),
          withoutCode: renderApology(terms, locale, { ...values, offer: null }),
        },
    sent: null,
  };
}

/**
 * Sends the case's apology, once per case: recorded in the case's history, with a one-time
 * code for this customer only when asked (created in Shopify before the email goes), and
 * the email itself as an answer action, so a crash or an outage means a retry, not a loss.
 * Throws ApologyRefusedError with the reason when it cannot be sent.
 */
export async function sendApology(
  shop: string,
  caseId: number,
  actor: string,
  options: { withCode: boolean; now?: Date },
): Promise<{ code: string | null }> {
  const now = options.now ?? new Date();
  const code = await prisma.$transaction(async (tx) => {
    // One at a time per case: two clicks send one apology.
    const locked = await tx.$queryRaw<Array<{ id: number }>>`
      SELECT id FROM follow_up_cases WHERE shop = ${shop} AND id = ${caseId} FOR UPDATE`;
    if (locked.length === 0) throw new ApologyRefusedError(`No case ${caseId} in this shop.`);
    const f = await caseFacts(shop, caseId, tx);
    if (!f) throw new ApologyRefusedError(`No case ${caseId} in this shop.`);
    if (f.sent_at) throw new ApologyRefusedError("An apology was already sent for this case.");
    const reason = refusal(f);
    if (reason) throw new ApologyRefusedError(reason);
    const settings = readSettings(f.settings);
    const terms = settings.advocacy.apology;
    const locale = localeOf(f);
    let codeId: number | null = null;
    let code: string | null = null;
    for (let attempt = 0; options.withCode && codeId === null && attempt < 3; attempt++) {
      code = newDiscountCode(terms.codePrefix);
      const inserted = await tx.$queryRaw<Array<{ id: number }>>`
        INSERT INTO discount_codes (shop, purpose, customer_id, case_id, code, terms)
        VALUES (${shop}, 'APOLOGY', ${f.customer_id}, ${caseId}, ${code}, ${JSON.stringify(terms)}::jsonb)
        ON CONFLICT (shop, code) DO NOTHING RETURNING id`;
      codeId = inserted[0]?.id ?? null;
    }
    if (options.withCode && codeId === null) throw new Error("could not reserve an apology code");
    const message = renderApology(terms, locale, {
      shopName: f.shop_name ?? shop,
      orderName: f.order_name,
      firstName: f.first_name,
      offer: code ? offerFor(f, terms, locale, code, now) : null,
    });
    const payload = {
      caseId,
      codeId,
      to: f.email,
      from: { name: settings.senderName ?? f.shop_name ?? shop, address: env().MAIL_FROM },
      replyTo: settings.replyTo ?? f.shop_email ?? null,
      ...message,
    };
    await tx.$executeRaw`
      INSERT INTO answer_actions (shop, response_id, kind, key, payload)
      VALUES (${shop}, ${f.response_id}, 'APOLOGY_EMAIL', 'apology', ${JSON.stringify(payload)}::jsonb)`;
    await tx.$executeRaw`
      INSERT INTO case_events (case_id, actor, field, from_value, to_value)
      VALUES (${caseId}, ${actor}, 'apology', NULL, ${code ? `sent with code ${code}` : "sent"})`;
    return code;
  });
  wake("actions");
  return { code };
}

interface ApologyPayload {
  codeId: number | null;
  to: string;
  from: { name: string; address: string };
  replyTo: string | null;
  subject: string;
  text: string;
  html: string;
}

/** The email of an APOLOGY_EMAIL action as stored when the merchant sent it, or null once sent. */
export async function apologyPayload(actionId: number): Promise<ApologyPayload | null> {
  const { rows } = await openDatabase().sql.query<{ payload: ApologyPayload | null }>(
    "SELECT payload FROM answer_actions WHERE id = $1",
    [actionId],
  );
  const payload = rows[0]?.payload;
  return payload && typeof payload.to === "string" ? payload : null;
}

/** Sends a stored apology email. */
export async function mailApology(mailer: Mailer, shop: string, payload: ApologyPayload): Promise<void> {
  await mailer.send({
    to: payload.to,
    from: payload.from,
    replyTo: payload.replyTo ?? undefined,
    subject: payload.subject,
    text: payload.text,
    html: payload.html,
    headers: { [SHOP_HEADER]: shop },
  });
}
