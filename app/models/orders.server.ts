import type { Prisma } from "../generated/prisma/client";

type Tx = Prisma.TransactionClient;

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
