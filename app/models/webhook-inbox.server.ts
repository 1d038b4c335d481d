import prisma from "../db.server";
import type { Prisma } from "../generated/prisma/client";
import { parseJsonExact } from "../lib/json";
import { logger } from "../logger.server";
import { isTopic, type Received, TOPICS } from "../webhook-topics.server";
import type { DueSend } from "./order-ingest.server";

type Tx = Prisma.TransactionClient;

/** A delivery that fails this many times is set aside as FAILED (visible, not retried). */
export const MAX_DELIVERY_ATTEMPTS = 5;
const BATCH = 100;

/**
 * Records a verified, validated delivery, once per X-Shopify-Webhook-Id. Returns false for
 * a repeat. This is all a webhook request waits for; the work happens in processInbox.
 */
export async function recordDelivery(delivery: { shop: string; webhookId: string; topic: string; body: string }) {
  const rows = await prisma.$queryRaw<{ id: bigint }[]>`
    INSERT INTO webhook_deliveries (shop, webhook_id, topic, body)
    VALUES (${delivery.shop}, ${delivery.webhookId}, ${delivery.topic}, ${delivery.body})
    ON CONFLICT (shop, webhook_id) DO NOTHING
    RETURNING id`;
  return rows.length > 0;
}

interface Row {
  id: bigint;
  shop: string;
  topic: string;
  body: string | null;
}

async function apply(tx: Tx, rows: Row[]): Promise<DueSend[]> {
  const sends: DueSend[] = [];
  // Consecutive order deliveries of one shop go together; everything keeps its arrival order.
  let i = 0;
  while (i < rows.length) {
    const first = rows[i]!;
    if (!isTopic(first.topic)) throw new Error(`No handler for webhook topic ${first.topic}`);
    const handler = TOPICS[first.topic];
    let j = i + 1;
    if (handler.batch === "orders") {
      while (j < rows.length && rows[j]!.shop === first.shop && isTopic(rows[j]!.topic)) {
        if (TOPICS[rows[j]!.topic as keyof typeof TOPICS].batch !== "orders") break;
        j++;
      }
    }
    const group: Received<never>[] = rows.slice(i, j).map((r) => {
      if (r.body === null) throw new Error(`Delivery ${r.id} has no body left to apply (cleared)`);
      return { deliveryId: r.id, topic: r.topic, payload: handler.schema.parse(parseJsonExact(r.body)) as never };
    });
    sends.push(...(await handler.apply(tx, first.shop, group)));
    i = j;
  }
  return sends;
}

async function claim(tx: Tx, limit: number, onlyId?: bigint): Promise<Row[]> {
  return onlyId === undefined
    ? tx.$queryRaw<Row[]>`
        SELECT id, shop, topic, body FROM webhook_deliveries WHERE status = 'RECEIVED'
        ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`
    : tx.$queryRaw<Row[]>`
        SELECT id, shop, topic, body FROM webhook_deliveries WHERE status = 'RECEIVED' AND id = ${onlyId}
        FOR UPDATE SKIP LOCKED`;
}

async function markProcessed(tx: Tx, rows: Row[]) {
  await tx.$executeRaw`
    UPDATE webhook_deliveries SET status = 'PROCESSED', processed_at = now(), attempts = attempts + 1, last_error = NULL
    WHERE id = ANY(${rows.map((r) => String(r.id))}::bigint[])`;
}

/**
 * Applies received deliveries in arrival order, in one transaction per batch. If a batch
 * fails, its deliveries are retried one by one, so one bad delivery holds up no other; it
 * keeps its error and, after MAX_DELIVERY_ATTEMPTS, is set aside as FAILED.
 */
export async function processInbox(options: { limit?: number } = {}): Promise<{
  processed: number;
  failed: number;
  sends: DueSend[];
}> {
  const limit = options.limit ?? BATCH;
  try {
    return await prisma.$transaction(
      async (tx) => {
        const rows = await claim(tx, limit);
        const sends = await apply(tx, rows);
        await markProcessed(tx, rows);
        return { processed: rows.length, failed: 0, sends };
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  } catch (batchError) {
    logger.warn({ err: (batchError as Error).message }, "webhook batch failed; applying its deliveries one by one");
  }
  const ids = await prisma.$queryRaw<{ id: bigint }[]>`
    SELECT id FROM webhook_deliveries WHERE status = 'RECEIVED' ORDER BY id LIMIT ${limit}`;
  const result = { processed: 0, failed: 0, sends: [] as DueSend[] };
  for (const { id } of ids) {
    try {
      const sends = await prisma.$transaction(async (tx) => {
        const rows = await claim(tx, 1, id);
        const out = await apply(tx, rows);
        await markProcessed(tx, rows);
        return out;
      });
      result.processed++;
      result.sends.push(...sends);
    } catch (error) {
      result.failed++;
      const message = (error as Error).message.slice(0, 1000);
      logger.error({ deliveryId: String(id), err: message }, "webhook delivery failed");
      await prisma.$executeRaw`
        UPDATE webhook_deliveries
        SET attempts = attempts + 1, last_error = ${message},
            status = (CASE WHEN attempts + 1 >= ${MAX_DELIVERY_ATTEMPTS} THEN 'FAILED' ELSE 'RECEIVED' END)::"DeliveryStatus"
        WHERE id = ${id}`;
    }
  }
  return result;
}

/**
 * Raw bodies are working data: once a delivery is applied and older than the retention
 * (WEBHOOK_BODY_RETENTION), its body goes; the row stays for de-duplication. Failed
 * deliveries keep theirs until retried or purged. Clears in batches, so a large backlog
 * never holds one long lock. Returns the number of bodies cleared.
 */
export async function clearOldWebhookBodies(retentionMs: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionMs);
  let cleared = 0;
  for (;;) {
    const n = await prisma.$executeRaw`
      UPDATE webhook_deliveries SET body = NULL, body_cleared_at = ${now}
      WHERE id IN (SELECT id FROM webhook_deliveries
                   WHERE received_at < ${cutoff} AND status = 'PROCESSED' AND body IS NOT NULL
                   ORDER BY received_at LIMIT 5000)`;
    cleared += n;
    if (n < 5000) return cleared;
  }
}

export interface FailedDelivery {
  id: string;
  shop: string;
  topic: string;
  webhookId: string;
  attempts: number;
  lastError: string | null;
  receivedAt: string;
  /** False once purged or erased by a redaction: it can no longer be retried. */
  hasBody: boolean;
}

/** Deliveries set aside as FAILED (all shops, or one), oldest first, and how many there are. */
export async function listFailedDeliveries(
  options: { shop?: string; limit?: number } = {},
): Promise<{ count: number; deliveries: FailedDelivery[] }> {
  const where = { status: "FAILED" as const, ...(options.shop ? { shop: options.shop } : {}) };
  const [count, rows] = await Promise.all([
    prisma.webhookDelivery.count({ where }),
    prisma.webhookDelivery.findMany({ where, orderBy: { id: "asc" }, take: options.limit ?? 100 }),
  ]);
  return {
    count,
    deliveries: rows.map((r) => ({
      id: r.id.toString(),
      shop: r.shop,
      topic: r.topic,
      webhookId: r.webhookId,
      attempts: r.attempts,
      lastError: r.lastError,
      receivedAt: r.receivedAt.toISOString(),
      hasBody: r.body !== null,
    })),
  };
}

/** Puts failed deliveries that still have their body back in the inbox, for another try. */
export async function retryFailedDeliveries(options: { shop?: string } = {}): Promise<number> {
  const retried = await prisma.webhookDelivery.updateMany({
    where: { status: "FAILED", body: { not: null }, ...(options.shop ? { shop: options.shop } : {}) },
    data: { status: "RECEIVED", attempts: 0 },
  });
  return retried.count;
}

/** Gives up on failed deliveries: their bodies (and errors, which may quote them) are cleared. */
export async function purgeFailedDeliveries(options: { shop?: string } = {}): Promise<number> {
  const purged = await prisma.webhookDelivery.updateMany({
    where: { status: "FAILED", body: { not: null }, ...(options.shop ? { shop: options.shop } : {}) },
    data: { body: null, bodyClearedAt: new Date(), lastError: "Purged by an operator without being applied" },
  });
  return purged.count;
}
