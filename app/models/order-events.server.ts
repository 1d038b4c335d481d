import type { OrderSnapshot } from "../domain/order-snapshot";
import type { Prisma } from "../generated/prisma/client";
import { cancelInvitations, moveToDelivery, type ScheduleOutcome, scheduleInvitation } from "./invitations.server";
import { markDelivered, upsertOrder, type UpsertOrderResult } from "./orders.server";

type Tx = Prisma.TransactionClient;

export interface DueSend {
  invitationId: number;
  sendAt: Date;
}

export interface OrderEventResult {
  order: UpsertOrderResult | null;
  pre?: ScheduleOutcome;
  post?: ScheduleOutcome;
  cancelledInvitations?: number;
  /** Invitations whose email send must be queued once the transaction has committed. */
  sends: DueSend[];
}

const due = (...outcomes: Array<ScheduleOutcome | undefined>): DueSend[] =>
  outcomes.flatMap((o) => (o?.scheduled ? [{ invitationId: o.invitationId, sendAt: o.sendAt }] : []));

/**
 * Any orders/* webhook: store the snapshot, then bring the order's invitations in line with
 * what is now known, whatever order the topics arrived in. A cancelled order withdraws its
 * open invitations; otherwise the pre-delivery invitation exists, and the post-delivery one
 * once the order is fulfilled. Scheduling is idempotent per (order, stage).
 */
export async function recordOrderEvent(tx: Tx, shop: string, snapshot: OrderSnapshot): Promise<OrderEventResult> {
  const order = await upsertOrder(tx, shop, snapshot);
  const current = await tx.order.findUniqueOrThrow({
    where: { id: order.orderId },
    select: { cancelledAt: true, fulfilledAt: true, deliveredAt: true },
  });
  if (current.cancelledAt) {
    return { order, cancelledInvitations: await cancelInvitations(tx, order.orderId), sends: [] };
  }
  const pre = await scheduleInvitation(tx, shop, order.orderId, "PRE_DELIVERY");
  const post =
    current.fulfilledAt || current.deliveredAt
      ? await scheduleInvitation(tx, shop, order.orderId, "POST_DELIVERY")
      : undefined;
  return { order, pre, post, sends: due(pre, post) };
}

/** fulfillment_events/create with status delivered: post-delivery survey at "delivered + delay". */
export async function recordDelivery(
  tx: Tx,
  shop: string,
  shopifyOrderId: bigint,
  at: Date,
): Promise<{ known: boolean; sends: DueSend[] }> {
  const order = await markDelivered(tx, shop, shopifyOrderId, at);
  if (!order) return { known: false, sends: [] };
  const post = await scheduleInvitation(tx, shop, order.id, "POST_DELIVERY");
  const moved = post.scheduled ? null : await moveToDelivery(tx, shop, order.id);
  return {
    known: true,
    sends: [...due(post), ...(moved ? [{ invitationId: moved.id, sendAt: moved.sendAt }] : [])],
  };
}
