import { createHash, timingSafeEqual } from "node:crypto";
import prisma from "../db.server";
import { readSettings, type ShopSettings } from "../domain/settings";
import { chooseLocale, type ShopperLocale } from "../domain/shopper-locales";
import { fill, followUpQuestion, SHOPPER_TEXTS } from "../domain/shopper-texts";
import type { ScoreCategory, SurveyStage } from "../generated/prisma/enums";
import { surveysPaused } from "./billing.server";

export type OnSiteChannel = "THANK_YOU" | "ORDER_STATUS" | "STOREFRONT";

/** What a shopper-facing extension needs to show the survey, in the shopper's language. */
export interface OnSiteSurvey {
  state: "open";
  invitationId: number;
  stage: SurveyStage;
  locale: ShopperLocale;
  texts: {
    question: string;
    notLikely: string;
    veryLikely: string;
    followUp: Record<ScoreCategory, string>;
    commentHint: string;
    send: string;
    thanks: string;
  };
  answer: { score: number; comment: string | null } | null;
}

export type OnSiteLookup =
  | OnSiteSurvey
  /** The order's webhook has not arrived yet: ask again in a few seconds. */
  | { state: "pending" }
  | { state: "none"; reason: "unknown-order" | "closed" | "channel-off" | "too-old" | "answered" | "paused" };

const CHANNEL_SETTING: Record<OnSiteChannel, keyof ShopSettings["channels"]> = {
  THANK_YOU: "thankYou",
  ORDER_STATUS: "orderStatus",
  STOREFRONT: "storefront",
};

/** The thank-you page is shown right after checkout: it only answers for fresh orders. */
const THANK_YOU_WINDOW_MS = 24 * 3_600_000;

const sha256 = (text: string) => createHash("sha256").update(text).digest();

/**
 * On the thank-you page a guest's session token names no customer: the order's confirmation
 * number (shown to the buyer only, random, not derivable from the order id) is the proof.
 * A logged-in customer's own order needs no other proof.
 */
function provesOrder(
  order: { confirmationNumber: string | null; customer: { shopifyId: bigint } | null },
  input: { customerId?: bigint | null; confirmationNumber?: string | null },
): boolean {
  if (input.customerId != null && order.customer?.shopifyId === input.customerId) return true;
  if (!order.confirmationNumber || !input.confirmationNumber) return false;
  return timingSafeEqual(sha256(order.confirmationNumber), sha256(input.confirmationNumber));
}

/**
 * The survey to show for an order on an on-site channel: the thank-you page asks the
 * pre-delivery question; the order status page and the storefront ask whichever stage is
 * open, post-delivery first. `customerId` (from the session token) must own the order when
 * given; the order status page always gives it.
 */
export async function findOnSiteSurvey(input: {
  shop: string;
  shopifyOrderId: bigint;
  channel: OnSiteChannel;
  customerId?: bigint | null;
  /** The thank-you page's proof of the order (required there unless the customer owns it). */
  confirmationNumber?: string | null;
  /** Looked up to record an answer: a survey already shown is answered even after a pause began. */
  answering?: boolean;
  now?: Date;
}): Promise<OnSiteLookup> {
  const now = input.now ?? new Date();
  const order = await prisma.order.findUnique({
    where: { shop_shopifyId: { shop: input.shop, shopifyId: input.shopifyOrderId } },
    include: {
      customer: { select: { shopifyId: true } },
      shopRef: { select: { name: true, primaryLocale: true, settings: true } },
      invitations: { include: { response: { select: { score: true, comment: true, channel: true } } } },
    },
  });
  if (input.channel === "THANK_YOU") {
    // Not yet received, or not proven: the same answer, so that no one learns which orders
    // exist (the order's webhook may simply not have arrived yet).
    if (!order || !provesOrder(order, input)) return { state: "pending" };
  } else if (!order || (input.channel === "ORDER_STATUS" && input.customerId == null)) {
    return { state: "none", reason: "unknown-order" };
  }
  // Someone else's order gets the answer of one that does not exist: ids are not probed.
  if (input.customerId != null && order.customer?.shopifyId !== input.customerId) {
    return { state: "none", reason: "unknown-order" };
  }
  if (input.channel === "THANK_YOU" && now.getTime() - order.orderCreatedAt.getTime() > THANK_YOU_WINDOW_MS) {
    return { state: "none", reason: "too-old" };
  }
  const settings = readSettings(order.shopRef.settings);
  if (!settings.channels[CHANNEL_SETTING[input.channel]]) return { state: "none", reason: "channel-off" };

  const openOrAnswered = (stage: SurveyStage) =>
    order.invitations.find(
      (i) => i.stage === stage && i.expiresAt > now && ["SCHEDULED", "SENDING", "SENT", "ANSWERED"].includes(i.status),
    );
  const stages: SurveyStage[] = input.channel === "THANK_YOU" ? ["PRE_DELIVERY"] : ["POST_DELIVERY", "PRE_DELIVERY"];
  const invitation = stages.map(openOrAnswered).find(Boolean);
  if (!invitation) {
    // On the thank-you page the invitation may still be on its way with the order webhook.
    return input.channel === "THANK_YOU" && order.invitations.length === 0
      ? { state: "pending" }
      : { state: "none", reason: "closed" };
  }
  // Answered on another channel: that answer closes the survey here (it can be changed
  // where it was given).
  if (invitation.response && invitation.response.channel !== input.channel)
    return { state: "none", reason: "answered" };
  // At the plan's answer limit no new survey is shown; a shopper's own answer stays editable.
  if (!input.answering && !invitation.response && (await surveysPaused(input.shop, now))) {
    return { state: "none", reason: "paused" };
  }
  const locale = chooseLocale(invitation.locale ?? order.locale, order.shopRef.primaryLocale);
  const t = SHOPPER_TEXTS[locale];
  const shopName = order.shopRef.name ?? input.shop.replace(/\.myshopify\.com$/, "");
  return {
    state: "open",
    invitationId: invitation.id,
    stage: invitation.stage,
    locale,
    texts: {
      question: fill(t.question, { shop: shopName }),
      notLikely: t.notLikely,
      veryLikely: t.veryLikely,
      followUp: {
        PROMOTER: followUpQuestion(settings, locale, "PROMOTER"),
        PASSIVE: followUpQuestion(settings, locale, "PASSIVE"),
        DETRACTOR: followUpQuestion(settings, locale, "DETRACTOR"),
      },
      commentHint: t.commentHint,
      send: t.send,
      thanks: t.thanks,
    },
    answer: invitation.response ? { score: invitation.response.score, comment: invitation.response.comment } : null,
  };
}

/**
 * The logged-in customer's newest survey that is open and due, for the storefront's app
 * embed: the order it belongs to, or null (also, unless `answering`, while the shop is paused at
 * its answer limit: no new survey is offered, but one already shown is answered).
 */
export async function findPendingOrderForCustomer(
  shop: string,
  shopifyCustomerId: bigint,
  now: Date = new Date(),
  options: { answering?: boolean } = {},
): Promise<bigint | null> {
  if (!options.answering && (await surveysPaused(shop, now))) return null;
  const rows = await prisma.$queryRaw<{ shopify_id: bigint }[]>`
    SELECT o.shopify_id
    FROM survey_invitations si
    JOIN orders o ON o.id = si.order_id
    JOIN customers c ON c.id = o.customer_id
    WHERE si.shop = ${shop} AND c.shopify_id = ${shopifyCustomerId}
      AND si.status IN ('SCHEDULED', 'SENT') AND si.send_at <= ${now} AND si.expires_at > ${now}
    ORDER BY si.send_at DESC
    LIMIT 1`;
  return rows[0] ? BigInt(rows[0].shopify_id) : null;
}
