import { durationToMs } from "../domain/duration";
import type { ShopSettings } from "../domain/settings";
import type { Prisma, SurveyStage } from "../generated/prisma/client";
import { newToken } from "../lib/tokens";
import { getShopSettings } from "./shops.server";

type Tx = Prisma.TransactionClient;

export type ScheduleOutcome =
  | { scheduled: true; invitationId: number; sendAt: Date }
  | { scheduled: false; reason: "cancelled" | "test-order" | "exists" | "delivered" | "not-fulfilled" | "throttled" };

const DAY = 86_400_000;

interface OrderFacts {
  id: number;
  customerId: number | null;
  email: string | null;
  locale: string | null;
  test: boolean;
  orderCreatedAt: Date;
  cancelledAt: Date | null;
  fulfilledAt: Date | null;
  deliveredAt: Date | null;
}

/** When a stage's invitation is due, from the order's facts and the shop's delays. */
export function sendTime(stage: SurveyStage, order: OrderFacts, settings: ShopSettings): Date | null {
  if (stage === "PRE_DELIVERY") return new Date(order.orderCreatedAt.getTime() + durationToMs(settings.preDelay));
  if (order.deliveredAt) return new Date(order.deliveredAt.getTime() + durationToMs(settings.postDelayAfterDelivery));
  if (order.fulfilledAt)
    return new Date(order.fulfilledAt.getTime() + durationToMs(settings.postDelayAfterFulfillment));
  return null;
}

/**
 * Creates the order's invitation for a stage, once, if the rules allow: not for cancelled
 * orders, not for test orders unless the merchant opted in, not before delivery once the
 * parcel has arrived, and not for a customer asked at this stage within the throttle
 * window (that invitation is recorded as SUPPRESSED, so the reason stays visible).
 * An order without an email still gets one: on-site channels can show it.
 */
export async function scheduleInvitation(
  tx: Tx,
  shop: string,
  orderId: number,
  stage: SurveyStage,
  now: Date = new Date(),
): Promise<ScheduleOutcome> {
  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
  const settings = await getShopSettings(shop, tx);
  if (order.cancelledAt) return { scheduled: false, reason: "cancelled" };
  if (order.test && !settings.includeTestOrders) return { scheduled: false, reason: "test-order" };
  if (stage === "PRE_DELIVERY" && order.deliveredAt) return { scheduled: false, reason: "delivered" };
  const sendAt = sendTime(stage, order, settings);
  if (!sendAt) return { scheduled: false, reason: "not-fulfilled" };

  let throttled = false;
  if (order.customerId !== null && settings.throttleDays > 0) {
    const since = new Date(now.getTime() - settings.throttleDays * DAY);
    const recent = await tx.surveyInvitation.findFirst({
      where: {
        shop,
        customerId: order.customerId,
        stage,
        orderId: { not: orderId },
        status: { in: ["SCHEDULED", "SENDING", "SENT", "ANSWERED"] },
        sendAt: { gte: since },
      },
      select: { id: true },
    });
    throttled = recent !== null;
  }

  // The token is replaced when the email is sent (only then is it shown to anyone); this
  // one only keeps the column unique and unguessable.
  const { hash } = newToken();
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO survey_invitations (shop, order_id, customer_id, stage, status, token_hash, email, locale, send_at,
                                    expires_at, last_error)
    VALUES (${shop}, ${orderId}, ${order.customerId}, ${stage}::"SurveyStage",
            ${throttled ? "SUPPRESSED" : "SCHEDULED"}::"InvitationStatus", ${hash}, ${order.email}, ${order.locale},
            ${sendAt}, ${new Date(sendAt.getTime() + settings.expiryDays * DAY)},
            ${throttled ? `customer already asked at this stage within ${settings.throttleDays} days` : null})
    ON CONFLICT (order_id, stage) DO NOTHING
    RETURNING id`;
  if (!rows[0]) return { scheduled: false, reason: "exists" };
  if (throttled) return { scheduled: false, reason: "throttled" };
  return { scheduled: true, invitationId: rows[0].id, sendAt };
}

/**
 * The carrier reported delivery: a post-delivery invitation not yet sent moves to
 * "delivered + delay". Returns the new send time, or null when nothing was waiting.
 */
export async function moveToDelivery(
  tx: Tx,
  shop: string,
  orderId: number,
): Promise<{ id: number; sendAt: Date } | null> {
  const order = await tx.order.findUniqueOrThrow({ where: { id: orderId } });
  const settings = await getShopSettings(shop, tx);
  const sendAt = sendTime("POST_DELIVERY", order, settings);
  if (!sendAt) return null;
  const rows = await tx.$queryRaw<{ id: number }[]>`
    UPDATE survey_invitations
    SET send_at = ${sendAt}, expires_at = ${new Date(sendAt.getTime() + settings.expiryDays * DAY)}, updated_at = now()
    WHERE order_id = ${orderId} AND stage = 'POST_DELIVERY' AND status = 'SCHEDULED'
    RETURNING id`;
  return rows[0] ? { id: rows[0].id, sendAt } : null;
}

/** The order was cancelled: its open invitations are withdrawn from every channel. */
export async function cancelInvitations(tx: Tx, orderId: number): Promise<number> {
  const { count } = await tx.surveyInvitation.updateMany({
    where: { orderId, status: { in: ["SCHEDULED", "SENT"] } },
    data: { status: "CANCELLED" },
  });
  return count;
}
