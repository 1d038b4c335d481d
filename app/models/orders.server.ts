import type { OrderSnapshot } from "../domain/order-snapshot";
import type { Prisma } from "../generated/prisma/client";
import { ensureShop } from "./shops.server";

type Tx = Prisma.TransactionClient;

export interface UpsertOrderResult {
  orderId: number;
  /** false when a newer snapshot of the order was already stored: nothing changed. */
  applied: boolean;
  created: boolean;
}

async function upsertCustomer(tx: Tx, shop: string, c: NonNullable<OrderSnapshot["customer"]>): Promise<number> {
  // Personal fields follow the newest customer record; a payload without updated_at never
  // blanks a field that a newer one filled.
  const rows = await tx.$queryRaw<{ id: number }[]>`
    INSERT INTO customers (shop, shopify_id, email, first_name, last_name, locale, shopify_updated_at)
    VALUES (${shop}, ${c.shopifyId}, ${c.email}, ${c.firstName}, ${c.lastName}, ${c.locale}, ${c.updatedAt})
    ON CONFLICT (shop, shopify_id) DO UPDATE SET
      email = COALESCE(EXCLUDED.email, customers.email),
      first_name = COALESCE(EXCLUDED.first_name, customers.first_name),
      last_name = COALESCE(EXCLUDED.last_name, customers.last_name),
      locale = COALESCE(EXCLUDED.locale, customers.locale),
      shopify_updated_at = GREATEST(EXCLUDED.shopify_updated_at, customers.shopify_updated_at),
      updated_at = now()
    WHERE customers.shopify_updated_at IS NULL
       OR EXCLUDED.shopify_updated_at IS NULL
       OR EXCLUDED.shopify_updated_at >= customers.shopify_updated_at
    RETURNING id`;
  if (rows[0]) return rows[0].id;
  const existing = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM customers WHERE shop = ${shop} AND shopify_id = ${c.shopifyId}`;
  return existing[0]!.id;
}

/**
 * Stores an order snapshot idempotently and safely in any order of arrival: the stored
 * snapshot is replaced only by one whose updated_at is the same or newer, and lines are
 * replaced together with it. Facts that only one topic carries (fulfilled or cancelled
 * time) survive a replay of an equally new payload that lacks them.
 */
export async function upsertOrder(tx: Tx, shop: string, o: OrderSnapshot): Promise<UpsertOrderResult> {
  await ensureShop(shop, tx);
  const customerId = o.customer ? await upsertCustomer(tx, shop, o.customer) : null;
  const rows = await tx.$queryRaw<{ id: number; created: boolean }[]>`
    INSERT INTO orders (shop, shopify_id, name, customer_id, email, locale, currency, current_total, total_price,
                        country_code, test, fulfillment_status, order_created_at, processed_at, shopify_updated_at,
                        cancelled_at, fulfilled_at)
    VALUES (${shop}, ${o.shopifyId}, ${o.name}, ${customerId}, ${o.email}, ${o.locale}, ${o.currency},
            ${o.currentTotal}::numeric, ${o.totalPrice}::numeric, ${o.countryCode}, ${o.test}, ${o.fulfillmentStatus},
            ${o.createdAt}, ${o.processedAt}, ${o.updatedAt}, ${o.cancelledAt}, ${o.fulfilledAt})
    ON CONFLICT (shop, shopify_id) DO UPDATE SET
      name = EXCLUDED.name,
      customer_id = EXCLUDED.customer_id,
      email = EXCLUDED.email,
      locale = EXCLUDED.locale,
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
    RETURNING id, (xmax = 0) AS created`;
  const row = rows[0];
  if (!row) {
    const existing = await tx.$queryRaw<{ id: number }[]>`
      SELECT id FROM orders WHERE shop = ${shop} AND shopify_id = ${o.shopifyId}`;
    return { orderId: existing[0]!.id, applied: false, created: false };
  }
  await tx.$executeRaw`DELETE FROM order_lines WHERE order_id = ${row.id}`;
  if (o.lines.length > 0) {
    const text = (v: bigint | number | string | null) => (v === null ? null : String(v));
    await tx.$executeRaw`
      INSERT INTO order_lines (shop, order_id, shopify_line_id, product_id, vendor, title, quantity, amount)
      SELECT ${shop}, ${row.id}, l.line_id::bigint, l.product_id::bigint, l.vendor, l.title, l.quantity::int,
             round(l.unit_price::numeric * l.quantity::int, 2)
      FROM unnest(${o.lines.map((l) => text(l.shopifyLineId))}::text[],
                  ${o.lines.map((l) => text(l.productId))}::text[],
                  ${o.lines.map((l) => l.vendor)}::text[],
                  ${o.lines.map((l) => l.title)}::text[],
                  ${o.lines.map((l) => String(l.quantity))}::text[],
                  ${o.lines.map((l) => l.unitPrice)}::text[])
           AS l(line_id, product_id, vendor, title, quantity, unit_price)`;
  }
  return { orderId: row.id, applied: true, created: row.created };
}

/** A carrier or app reported the order delivered: the earliest report wins. Null for an unknown order. */
export async function markDelivered(
  tx: Tx,
  shop: string,
  shopifyOrderId: bigint,
  at: Date,
): Promise<{ id: number } | null> {
  const rows = await tx.$queryRaw<{ id: number }[]>`
    UPDATE orders SET delivered_at = LEAST(COALESCE(delivered_at, ${at}), ${at}), updated_at = now()
    WHERE shop = ${shop} AND shopify_id = ${shopifyOrderId}
    RETURNING id`;
  return rows[0] ?? null;
}
