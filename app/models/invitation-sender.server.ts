import prisma from "../db.server";
import { surveyPalette } from "../domain/brand";
import { readSettings } from "../domain/settings";
import { chooseLocale } from "../domain/shopper-locales";
import { renderInvitationEmail } from "../email/invitation-email";
import { type Mailer, mailer as defaultMailer, SHOP_HEADER } from "../email/mailer.server";
import { env } from "../env.server";
import type { SurveyStage } from "../generated/prisma/enums";
import { newToken } from "../lib/tokens";
import { logger } from "../logger.server";
import { pausedSql } from "./billing.server";
import { readShopBrand } from "./brand.server";

/** After this many failed attempts an invitation is no longer emailed (on-site channels still show it). */
export const MAX_SEND_ATTEMPTS = 5;
/** A send claimed this long ago and never confirmed is taken as sent: retrying could email twice. */
export const STUCK_SEND_MS = 10 * 60_000;

// A pre-delivery survey (`si`) whose parcel has arrived: the order reported delivered, or its
// post-delivery survey's time come (sent or not). Answered after delivery, it would count as a
// pre-delivery score and blur the gap between the two, so it is no longer asked.
const PARCEL_ARRIVED = `si.stage = 'PRE_DELIVERY' AND (
    EXISTS (SELECT 1 FROM orders od WHERE od.id = si.order_id AND od.delivered_at IS NOT NULL)
    OR EXISTS (SELECT 1 FROM survey_invitations post
               WHERE post.order_id = si.order_id AND post.stage = 'POST_DELIVERY' AND post.send_at <= $1))`;

// The conditions under which an invitation may be emailed now, on `si` (survey_invitations)
// joined to `s` (shops). A shop paused at its plan's answer limit sends nothing: its invitations
// wait, and go when the cycle ends or the plan grows, if they have not expired by then, and
// unless their parcel has arrived meanwhile (closeOutrunSurveys closes those).
const EMAILABLE = `
  si.status = 'SCHEDULED' AND si.send_at <= $1 AND si.expires_at > $1 AND si.email IS NOT NULL
  AND s.uninstalled_at IS NULL
  AND COALESCE(s.settings->'channels'->>'email', 'true') <> 'false'
  AND NOT EXISTS (SELECT 1 FROM email_suppressions es WHERE es.shop = si.shop AND lower(es.email) = lower(si.email))
  AND NOT ${pausedSql("si.shop", "$1")}
  AND NOT (${PARCEL_ARRIVED})`;

interface Claimed {
  id: number;
  shop: string;
  stage: SurveyStage;
  email: string;
  locale: string | null;
  order_name: string;
  shop_name: string | null;
  shop_email: string | null;
  primary_locale: string;
  settings: unknown;
  brand: unknown;
}

/**
 * Errors that show the server never took the message: connecting, greeting, authenticating,
 * or a refused sender or recipient. Anything else may have been delivered.
 */
function definitelyNotSent(error: unknown): boolean {
  const e = error as { code?: string; command?: string };
  if (e.command && ["CONN", "EHLO", "HELO", "AUTH PLAIN", "AUTH LOGIN", "MAIL FROM", "RCPT TO"].includes(e.command)) {
    return true;
  }
  return ["ECONNREFUSED", "ECONNECTION", "ETIMEDOUT", "EDNS", "EAUTH", "EENVELOPE"].includes(e.code ?? "");
}

export type SendResult = "sent" | "not-eligible" | "failed";

/**
 * Emails one invitation at most once. The state machine:
 * SCHEDULED -(claim, new token)-> SENDING -(server took it)-> SENT.
 * A failure that proves the server did not take the message goes back to SCHEDULED for a
 * retry (after MAX_SEND_ATTEMPTS: SUPPRESSED). Any other failure, or a crash, leaves it
 * SENDING, which is never claimed again; recoverStuckSends marks it SENT later.
 */
export async function sendInvitation(
  invitationId: number,
  deps: { mailer?: Mailer; now?: Date } = {},
): Promise<SendResult> {
  const now = deps.now ?? new Date();
  const { token, hash } = newToken();
  const claimed = await prisma.$queryRawUnsafe<Claimed[]>(
    `UPDATE survey_invitations si
     SET status = 'SENDING', attempts = si.attempts + 1, token_hash = $3, updated_at = now()
     FROM shops s, orders o
     WHERE si.id = $2 AND s.domain = si.shop AND o.id = si.order_id AND ${EMAILABLE}
     RETURNING si.id, si.shop, si.stage, si.email, si.locale, o.name AS order_name, s.name AS shop_name,
               s.email AS shop_email, s.primary_locale, s.settings, s.brand`,
    now,
    invitationId,
    hash,
  );
  const inv = claimed[0];
  if (!inv) return "not-eligible";

  const settings = readSettings(inv.settings);
  const shopName = inv.shop_name ?? inv.shop.replace(/\.myshopify\.com$/, "");
  const email = renderInvitationEmail({
    shopDomain: inv.shop,
    shopName,
    orderName: inv.order_name,
    stage: inv.stage,
    locale: chooseLocale(inv.locale, inv.primary_locale),
    token,
    palette: surveyPalette(readShopBrand(inv.brand), settings.branding),
  });
  try {
    await (deps.mailer ?? defaultMailer()).send({
      from: { name: settings.senderName ?? shopName, address: env().MAIL_FROM },
      to: inv.email,
      replyTo: settings.replyTo ?? inv.shop_email ?? undefined,
      subject: email.subject,
      text: email.text,
      html: email.html,
      // The same id for every attempt, so a receiving server can drop a duplicate.
      messageId: `<invitation-${inv.id}@${inv.shop}>`,
      headers: {
        [SHOP_HEADER]: inv.shop,
        "List-Unsubscribe": `<${email.unsubscribeUrl}>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    });
  } catch (error) {
    const message = (error as Error).message.slice(0, 500);
    if (definitelyNotSent(error)) {
      await prisma.$executeRaw`
        UPDATE survey_invitations
        SET status = (CASE WHEN attempts >= ${MAX_SEND_ATTEMPTS} THEN 'SUPPRESSED' ELSE 'SCHEDULED' END)::"InvitationStatus",
            last_error = ${message}, updated_at = now()
        WHERE id = ${inv.id} AND status = 'SENDING'`;
    } else {
      await prisma.$executeRaw`
        UPDATE survey_invitations SET last_error = ${`outcome unknown: ${message}`}, updated_at = now()
        WHERE id = ${inv.id} AND status = 'SENDING'`;
    }
    logger.warn({ invitationId: inv.id, shop: inv.shop, err: message }, "invitation email failed");
    return "failed";
  }
  await prisma.$executeRaw`
    UPDATE survey_invitations SET status = 'SENT', sent_at = now(), channel = 'EMAIL', last_error = NULL, updated_at = now()
    WHERE id = ${inv.id} AND status = 'SENDING'`;
  logger.info({ invitationId: inv.id, shop: inv.shop, stage: inv.stage }, "invitation emailed");
  return "sent";
}

/** Ids of invitations that may be emailed now, oldest first; of one shop when `shop` is given. */
export async function listEmailableInvitations(now: Date, limit: number, shop?: string): Promise<number[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: number }[]>(
    `SELECT si.id FROM survey_invitations si JOIN shops s ON s.domain = si.shop
     WHERE ${EMAILABLE} AND ($3::text IS NULL OR si.shop = $3) ORDER BY si.send_at LIMIT $2`,
    now,
    limit,
    shop ?? null,
  );
  return rows.map((r) => r.id);
}

/** Sends every invitation that is due, one after another; returns what happened to each. */
export async function dispatchDueInvitations(
  deps: { mailer?: Mailer; now?: Date; limit?: number; shop?: string } = {},
): Promise<Record<SendResult, number>> {
  const now = deps.now ?? new Date();
  const counts: Record<SendResult, number> = { sent: 0, "not-eligible": 0, failed: 0 };
  for (const id of await listEmailableInvitations(now, deps.limit ?? 200, deps.shop)) {
    counts[await sendInvitation(id, { ...deps, now })]++;
  }
  return counts;
}

/** Sends left SENDING by a crash or an unclear failure count as sent, never retried (of one shop, if given). */
export async function recoverStuckSends(now: Date = new Date(), shop?: string): Promise<number> {
  return prisma.$executeRaw`
    UPDATE survey_invitations
    SET status = 'SENT', sent_at = COALESCE(sent_at, updated_at), channel = 'EMAIL',
        last_error = COALESCE(last_error, 'sending was interrupted; not retried, to avoid a second email'),
        updated_at = now()
    WHERE status = 'SENDING' AND updated_at < ${new Date(now.getTime() - STUCK_SEND_MS)}
      AND (${shop ?? null}::text IS NULL OR shop = ${shop ?? null})`;
}

/**
 * Pre-delivery surveys not yet sent whose parcel has arrived (held back by the plan's pause, or
 * by anything else) close with the reason, so that no channel offers them any more (of one shop,
 * if given).
 */
export async function closeOutrunSurveys(now: Date = new Date(), shop?: string): Promise<number> {
  return prisma.$executeRawUnsafe(
    `UPDATE survey_invitations si
     SET status = 'CANCELLED', updated_at = now(),
         last_error = 'not sent: the parcel arrived first, and a pre-delivery answer given after it would mislead'
     WHERE si.status = 'SCHEDULED' AND ${PARCEL_ARRIVED} AND ($2::text IS NULL OR si.shop = $2)`,
    now,
    shop ?? null,
  );
}

/** Open invitations past their expiry close on every channel (of one shop, if given). */
export async function expireInvitations(now: Date = new Date(), shop?: string): Promise<number> {
  return prisma.$executeRaw`
    UPDATE survey_invitations SET status = 'EXPIRED', updated_at = now()
    WHERE status IN ('SCHEDULED', 'SENT') AND expires_at <= ${now}
      AND (${shop ?? null}::text IS NULL OR shop = ${shop ?? null})`;
}
