import type { OrderSnapshot } from "../domain/order-snapshot";
import type { ShopSettings } from "../domain/settings";
import { Prisma } from "../generated/prisma/client";
import { attributeDiscountCodes } from "./advocacy.server";
import { ensureShop, getShopSettings } from "./shops.server";

type Tx = Prisma.TransactionClient;

export interface DueSend {
  invitationId: number;
  sendAt: Date;
}

const text = (v: bigint | number | string | null | undefined) => (v === null || v === undefined ? null : String(v));
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * One snapshot per order: the newest by updated_at. Two equally new ones are merged, so a
 * fact that only one topic carries (fulfilled, cancelled) is kept.
 */
export function newestPerOrder(snapshots: OrderSnapshot[]): OrderSnapshot[] {
  const byId = new Map<bigint, OrderSnapshot>();
  for (const s of snapshots) {
    const seen = byId.get(s.shopifyId);
    if (!seen || s.updatedAt > seen.updatedAt) byId.set(s.shopifyId, s);
    else if (s.updatedAt.getTime() === seen.updatedAt.getTime()) {
      byId.set(s.shopifyId, {
        ...s,
        fulfilledAt: s.fulfilledAt ?? seen.fulfilledAt,
        cancelledAt: s.cancelledAt ?? seen.cancelledAt,
        fulfillmentStatus: s.fulfillmentStatus ?? seen.fulfillmentStatus,
      });
    }
  }
  return [...byId.values()];
}

/**
 * Stores order snapshots set-based (a few statements for any number of orders): customers,
 * orders and their lines. Safe in any order of arrival: a stored order is replaced only by
 * a snapshot with the same or a newer updated_at, and its lines with it. Returns the ids of
 * every order in the batch.
 */
export async function ingestOrders(tx: Tx, shop: string, snapshots: OrderSnapshot[]): Promise<number[]> {
  return (await ingestOrderBatch(tx, shop, snapshots)).ids;
}

/**
 * ingestOrders, also saying which of the batch's orders (by Shopify id) are redacted, so
 * that the caller clears their raw bodies only when there are any.
 */
export async function ingestOrderBatch(
  tx: Tx,
  shop: string,
  snapshots: OrderSnapshot[],
): Promise<{ ids: number[]; redacted: Set<bigint> }> {
  if (snapshots.length === 0) return { ids: [], redacted: new Set() };
  const orders = newestPerOrder(snapshots);
  await ensureShop(shop, tx);

  const customers = new Map<bigint, NonNullable<OrderSnapshot["customer"]>>();
  for (const o of [...orders].sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())) {
    if (o.customer) customers.set(o.customer.shopifyId, o.customer);
  }
  if (customers.size > 0) {
    const cs = [...customers.values()];
    // Personal fields follow the newest customer record; a payload without updated_at never
    // blanks a field that a newer one filled; a redacted customer stays redacted.
    await tx.$executeRaw`
      INSERT INTO customers (shop, shopify_id, email, first_name, last_name, locale, shopify_updated_at, redacted_at)
      SELECT ${shop}, c.id::bigint,
             CASE WHEN r.shopify_id IS NULL THEN c.email END, CASE WHEN r.shopify_id IS NULL THEN c.first_name END,
             CASE WHEN r.shopify_id IS NULL THEN c.last_name END, CASE WHEN r.shopify_id IS NULL THEN c.locale END,
             c.updated_at::timestamptz, r.redacted_at
      FROM unnest(${cs.map((c) => text(c.shopifyId))}::text[], ${cs.map((c) => c.email)}::text[],
                  ${cs.map((c) => c.firstName)}::text[], ${cs.map((c) => c.lastName)}::text[],
                  ${cs.map((c) => c.locale)}::text[], ${cs.map((c) => iso(c.updatedAt))}::text[])
           AS c(id, email, first_name, last_name, locale, updated_at)
      -- A customer erased before the app had them arrives erased.
      LEFT JOIN redactions r ON r.shop = ${shop} AND r.kind = 'customer' AND r.shopify_id = c.id::bigint
      ON CONFLICT (shop, shopify_id) DO UPDATE SET
        email = CASE WHEN customers.redacted_at IS NULL THEN COALESCE(EXCLUDED.email, customers.email) END,
        first_name = CASE WHEN customers.redacted_at IS NULL
          THEN COALESCE(EXCLUDED.first_name, customers.first_name) END,
        last_name = CASE WHEN customers.redacted_at IS NULL
          THEN COALESCE(EXCLUDED.last_name, customers.last_name) END,
        locale = CASE WHEN customers.redacted_at IS NULL THEN COALESCE(EXCLUDED.locale, customers.locale) END,
        shopify_updated_at = GREATEST(EXCLUDED.shopify_updated_at, customers.shopify_updated_at),
        updated_at = now()
      WHERE customers.shopify_updated_at IS NULL
         OR EXCLUDED.shopify_updated_at IS NULL
         OR EXCLUDED.shopify_updated_at >= customers.shopify_updated_at`;
  }

  const applied = await upsertOrders(
    tx,
    shop,
    Prisma.sql`unnest(${orders.map((o) => text(o.shopifyId))}::text[], ${orders.map((o) => o.name)}::text[],
                ${orders.map((o) => o.confirmationNumber)}::text[],
                ${orders.map((o) => text(o.customer?.shopifyId))}::text[], ${orders.map((o) => o.email)}::text[],
                ${orders.map((o) => o.locale)}::text[], ${orders.map((o) => o.currency)}::text[],
                ${orders.map((o) => o.currentTotal)}::text[], ${orders.map((o) => o.totalPrice)}::text[],
                ${orders.map((o) => o.countryCode)}::text[], ${orders.map((o) => String(o.test))}::text[],
                ${orders.map((o) => o.fulfillmentStatus)}::text[], ${orders.map((o) => iso(o.createdAt))}::text[],
                ${orders.map((o) => iso(o.processedAt))}::text[], ${orders.map((o) => iso(o.updatedAt))}::text[],
                ${orders.map((o) => iso(o.cancelledAt))}::text[], ${orders.map((o) => iso(o.fulfilledAt))}::text[])
         AS u(id, name, confirmation_number, customer_id, email, locale, currency, current_total, total_price,
              country, test, fulfillment_status, created_at, processed_at, updated_at, cancelled_at, fulfilled_at)`,
  );

  if (applied.length > 0) {
    const appliedIds = new Set(applied.map((a) => BigInt(a.shopify_id)));
    // A new order has no lines to replace (xmax = 0: the row was inserted, not updated).
    const replaced = applied.filter((a) => !a.inserted).map((a) => a.id);
    const lines = orders
      .filter((o) => appliedIds.has(o.shopifyId))
      .flatMap((o) => o.lines.map((l) => ({ order: o.shopifyId, ...l })));
    if (replaced.length > 0) await tx.$executeRaw`DELETE FROM order_lines WHERE order_id = ANY(${replaced}::int[])`;
    if (lines.length > 0) {
      await tx.$executeRaw`
        INSERT INTO order_lines (shop, order_id, shopify_line_id, product_id, vendor, title, quantity, amount)
        SELECT ${shop}, o.id, l.line_id::bigint, l.product_id::bigint, l.vendor, l.title, l.quantity::int,
               round(l.unit_price::numeric * l.quantity::int, 2)
        FROM unnest(${lines.map((l) => text(l.order))}::text[], ${lines.map((l) => text(l.shopifyLineId))}::text[],
                    ${lines.map((l) => text(l.productId))}::text[], ${lines.map((l) => l.vendor)}::text[],
                    ${lines.map((l) => l.title)}::text[], ${lines.map((l) => String(l.quantity))}::text[],
                    ${lines.map((l) => l.unitPrice)}::text[]) WITH ORDINALITY
             AS l(order_id, line_id, product_id, vendor, title, quantity, unit_price, n)
        JOIN orders o ON o.shop = ${shop} AND o.shopify_id = l.order_id::bigint
        -- Line ids in the order Shopify lists the lines, whatever join the planner picks.
        ORDER BY l.n`;
    }
    const withCodes = orders.filter((o) => appliedIds.has(o.shopifyId) && o.discountCodes !== undefined);
    if (withCodes.length > 0) {
      await attributeDiscountCodes(
        tx,
        shop,
        withCodes.map((o) => ({ shopifyId: o.shopifyId, discountCodes: o.discountCodes ?? [] })),
      );
    }
  }

  const rows = await tx.$queryRaw<{ id: number; shopify_id: bigint; redacted: boolean }[]>`
    SELECT o.id, o.shopify_id, (o.redacted_at IS NOT NULL OR c.redacted_at IS NOT NULL) AS redacted
    FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
    WHERE o.shop = ${shop} AND o.shopify_id = ANY(${orders.map((o) => text(o.shopifyId))}::bigint[])`;
  return {
    ids: rows.map((r) => r.id),
    redacted: new Set(rows.filter((r) => r.redacted).map((r) => BigInt(r.shopify_id))),
  };
}

/**
 * Brings the invitations of these orders in line with what is known of them, set-based:
 * cancelled orders withdraw their open invitations; otherwise each order has its
 * pre-delivery invitation (unless already delivered) and, once fulfilled or delivered,
 * its post-delivery one; a post-delivery invitation not yet sent follows a reported delivery.
 * Test orders are skipped unless the merchant opted in. A customer asked at the same stage
 * within the throttle window gets a SUPPRESSED invitation, which keeps the reason visible.
 * Idempotent per (order, stage). Returns the invitations to email at their send time.
 */
export async function scheduleInvitations(
  tx: Tx,
  shop: string,
  orderIds: number[],
  settings?: ShopSettings,
  /**
   * What the caller knows did not happen, to spare a statement: no order of the batch is
   * cancelled; no delivery was reported (only a fulfillment event reports one).
   */
  known: { noneCancelled?: boolean; noDeliveryReported?: boolean } = {},
): Promise<DueSend[]> {
  if (orderIds.length === 0) return [];
  const s = settings ?? (await getShopSettings(shop, tx));
  if (!known.noneCancelled)
    await tx.$executeRaw`
    UPDATE survey_invitations SET status = 'CANCELLED', updated_at = now()
    WHERE order_id IN (SELECT id FROM orders WHERE id = ANY(${orderIds}::int[]) AND cancelled_at IS NOT NULL)
      AND status IN ('SCHEDULED', 'SENT')`;
  const created = await tx.$queryRaw<{ id: number; send_at: Date; status: string }[]>`
    WITH st AS (
      SELECT ${s.preDelay}::interval AS pre, ${s.postDelayAfterFulfillment}::interval AS post_fulfilled,
             ${s.postDelayAfterDelivery}::interval AS post_delivered, ${s.throttleDays}::int AS throttle_days,
             ${s.expiryDays}::int AS expiry_days, ${s.includeTestOrders}::boolean AS include_tests
    ),
    due AS (
      SELECT o.id AS order_id, o.customer_id, o.email, o.locale, g.stage,
             CASE WHEN g.stage = 'PRE_DELIVERY' THEN o.order_created_at + st.pre
                  ELSE COALESCE(o.delivered_at + st.post_delivered, o.fulfilled_at + st.post_fulfilled) END AS send_at
      FROM orders o
      CROSS JOIN st
      CROSS JOIN (VALUES ('PRE_DELIVERY'::"SurveyStage"), ('POST_DELIVERY'::"SurveyStage")) AS g(stage)
      WHERE o.id = ANY(${orderIds}::int[]) AND o.cancelled_at IS NULL AND (NOT o.test OR st.include_tests)
        -- An erased customer is not asked again.
        AND o.redacted_at IS NULL
        AND NOT (g.stage = 'PRE_DELIVERY' AND o.delivered_at IS NOT NULL)
        AND NOT EXISTS (SELECT 1 FROM survey_invitations si WHERE si.order_id = o.id AND si.stage = g.stage)
    ),
    ranked AS (
      SELECT due.*, lag(send_at) OVER (PARTITION BY customer_id, stage ORDER BY send_at, order_id) AS earlier_in_batch
      FROM due WHERE send_at IS NOT NULL
    )
    INSERT INTO survey_invitations (shop, order_id, customer_id, stage, status, token_hash, email, locale, send_at,
                                    expires_at, last_error)
    SELECT ${shop}, r.order_id, r.customer_id, r.stage,
           (CASE WHEN t.throttled THEN 'SUPPRESSED' ELSE 'SCHEDULED' END)::"InvitationStatus",
           -- Replaced when the email is sent; until then it only has to be unique and unguessable.
           encode(sha256(convert_to(gen_random_uuid()::text || ':' || r.order_id || ':' || r.stage, 'UTF8')), 'hex'),
           r.email, r.locale, r.send_at, r.send_at + st.expiry_days * interval '1 day',
           CASE WHEN t.throttled THEN 'customer already asked at this stage within ' || st.throttle_days || ' days' END
    FROM ranked r
    CROSS JOIN st
    CROSS JOIN LATERAL (
      SELECT r.customer_id IS NOT NULL AND st.throttle_days > 0 AND (
        r.earlier_in_batch >= now() - st.throttle_days * interval '1 day'
        OR EXISTS (
          SELECT 1 FROM survey_invitations p
          WHERE p.shop = ${shop} AND p.customer_id = r.customer_id AND p.stage = r.stage AND p.order_id <> r.order_id
            AND p.status IN ('SCHEDULED', 'SENDING', 'SENT', 'ANSWERED')
            AND p.send_at >= now() - st.throttle_days * interval '1 day')) AS throttled
    ) t
    ON CONFLICT (order_id, stage) DO NOTHING
    RETURNING id, send_at, status::text`;
  const moved = known.noDeliveryReported
    ? []
    : await tx.$queryRaw<{ id: number; send_at: Date }[]>`
    UPDATE survey_invitations si
    SET send_at = o.delivered_at + ${s.postDelayAfterDelivery}::interval,
        expires_at = o.delivered_at + ${s.postDelayAfterDelivery}::interval + ${s.expiryDays}::int * interval '1 day',
        updated_at = now()
    FROM orders o
    WHERE si.order_id = o.id AND o.id = ANY(${orderIds}::int[]) AND si.stage = 'POST_DELIVERY'
      AND si.status = 'SCHEDULED' AND o.delivered_at IS NOT NULL
      AND si.send_at <> o.delivered_at + ${s.postDelayAfterDelivery}::interval
    RETURNING si.id, si.send_at`;
  return [
    ...created
      .filter((c) => c.status === "SCHEDULED")
      .map((c) => ({ invitationId: c.id, sendAt: new Date(c.send_at) })),
    ...moved.map((m) => ({ invitationId: m.id, sendAt: new Date(m.send_at) })),
  ];
}

/**
 * The orders statement of ingestOrderBatch, over any source of snapshot rows `u` with the
 * columns (id, name, confirmation_number, customer_id, email, locale, currency, current_total,
 * total_price, country, test, fulfillment_status, created_at, processed_at, updated_at,
 * cancelled_at, fulfilled_at), text or already typed, one row per order: the webhook batch's
 * arrays, or an import's staged chunk. Customers must be stored first.
 */
export async function upsertOrders(
  tx: Tx,
  shop: string,
  source: Prisma.Sql,
): Promise<Array<{ id: number; shopify_id: bigint; inserted: boolean }>> {
  return tx.$queryRaw<{ id: number; shopify_id: bigint; inserted: boolean }[]>`
    INSERT INTO orders (shop, shopify_id, name, confirmation_number, customer_id, email, locale, currency,
                        current_total, total_price, country_code, test, fulfillment_status, order_created_at,
                        processed_at, shopify_updated_at, cancelled_at, fulfilled_at, redacted_at)
    SELECT ${shop}, u.id::bigint, u.name, u.confirmation_number, c.id,
           CASE WHEN red.at IS NULL THEN u.email END, CASE WHEN red.at IS NULL THEN u.locale END, u.currency,
           u.current_total::numeric, u.total_price::numeric, u.country, u.test::boolean, u.fulfillment_status,
           u.created_at::timestamptz, u.processed_at::timestamptz, u.updated_at::timestamptz,
           u.cancelled_at::timestamptz, u.fulfilled_at::timestamptz, red.at
    FROM ${source}
    LEFT JOIN customers c ON c.shop = ${shop} AND c.shopify_id = u.customer_id::bigint
    -- An order erased before the app had it, or an erased customer's, arrives erased (one
    -- join: a subquery here was evaluated once for each of the three uses of red.at).
    LEFT JOIN redactions ro ON ro.shop = ${shop} AND ro.kind = 'order' AND ro.shopify_id = u.id::bigint
    CROSS JOIN LATERAL (SELECT COALESCE(c.redacted_at, ro.redacted_at) AS at) red
    ON CONFLICT (shop, shopify_id) DO UPDATE SET
      name = EXCLUDED.name,
      confirmation_number = COALESCE(EXCLUDED.confirmation_number, orders.confirmation_number),
      customer_id = EXCLUDED.customer_id,
      -- A redacted order stays redacted: later payloads never write its personal fields back.
      email = CASE WHEN orders.redacted_at IS NULL THEN EXCLUDED.email END,
      locale = CASE WHEN orders.redacted_at IS NULL THEN EXCLUDED.locale END,
      redacted_at = COALESCE(orders.redacted_at, EXCLUDED.redacted_at),
      currency = EXCLUDED.currency,
      current_total = EXCLUDED.current_total,
      total_price = EXCLUDED.total_price,
      country_code = EXCLUDED.country_code,
      test = EXCLUDED.test,
      fulfillment_status = CASE WHEN EXCLUDED.shopify_updated_at = orders.shopify_updated_at
        THEN COALESCE(EXCLUDED.fulfillment_status, orders.fulfillment_status) ELSE EXCLUDED.fulfillment_status END,
      order_created_at = EXCLUDED.order_created_at,
      processed_at = EXCLUDED.processed_at,
      shopify_updated_at = EXCLUDED.shopify_updated_at,
      cancelled_at = CASE WHEN EXCLUDED.shopify_updated_at = orders.shopify_updated_at
        THEN COALESCE(EXCLUDED.cancelled_at, orders.cancelled_at) ELSE EXCLUDED.cancelled_at END,
      fulfilled_at = CASE WHEN EXCLUDED.shopify_updated_at = orders.shopify_updated_at
        THEN COALESCE(EXCLUDED.fulfilled_at, orders.fulfilled_at) ELSE EXCLUDED.fulfilled_at END,
      updated_at = now()
    WHERE EXCLUDED.shopify_updated_at >= orders.shopify_updated_at
    RETURNING id, shopify_id, (xmax = 0) AS inserted`;
}
