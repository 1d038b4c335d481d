import prisma from "../db.server";
import type { Prisma } from "../generated/prisma/client";

type Tx = Prisma.TransactionClient;

export type DeliveryOutcome<T> = { duplicate: true } | { duplicate: false; result: T };

/**
 * Runs a webhook's effect at most once per (shop, X-Shopify-Webhook-Id). The delivery is
 * recorded in the same transaction as the effect: if the effect fails, nothing is kept and
 * Shopify's retry is processed as new.
 */
export async function processDelivery<T>(
  delivery: { shop: string; webhookId: string; topic: string },
  effect: (tx: Tx) => Promise<T>,
): Promise<DeliveryOutcome<T>> {
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.$queryRaw<{ id: bigint }[]>`
      INSERT INTO webhook_deliveries (shop, webhook_id, topic)
      VALUES (${delivery.shop}, ${delivery.webhookId}, ${delivery.topic})
      ON CONFLICT (shop, webhook_id) DO NOTHING
      RETURNING id`;
    if (claimed.length === 0) return { duplicate: true } as const;
    return { duplicate: false, result: await effect(tx) } as const;
  });
}
