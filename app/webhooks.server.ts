import type { z } from "zod";
import { describeIssues, OrderPayloadSchema, toOrderSnapshot } from "./domain/order-snapshot";
import { errorResponse } from "./lib/http";
import { parseJsonExact } from "./lib/json";
import { logger } from "./logger.server";
import { queueInvitationSends } from "./jobs.server";
import { type DueSend, recordOrderEvent } from "./models/order-events.server";
import { processDelivery } from "./models/webhook-deliveries.server";
import { authenticate } from "./shopify.server";
import type { Prisma } from "./generated/prisma/client";

export interface VerifiedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  apiVersion: string;
  /** The body parsed with integers beyond 2^53 kept exact (as bigint). */
  payload: unknown;
}

/**
 * Verifies the HMAC through the Shopify library, then parses the body exactly.
 * Missing or wrong HMAC: 401. Signed but not JSON: 400. Throws those as Responses.
 */
export async function verifyWebhook(request: Request): Promise<VerifiedWebhook> {
  if (!request.headers.get("x-shopify-hmac-sha256")) {
    throw errorResponse(401, "Missing X-Shopify-Hmac-Sha256 header: the request is not signed.");
  }
  const rawBody = await request.clone().text();
  let context;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) {
      if (error.status === 401) throw errorResponse(401, "HMAC signature does not match the body.");
      if (error.status === 400)
        throw errorResponse(400, "Missing Shopify webhook headers (topic, shop, API version or webhook id).");
      throw error;
    }
    if (error instanceof SyntaxError) throw errorResponse(400, "The webhook body is not JSON.");
    throw error;
  }
  return {
    shop: context.shop,
    // The library upper-cases topics (ORDERS_CREATE); keep Shopify's own spelling.
    topic: request.headers.get("x-shopify-topic") ?? String(context.topic),
    webhookId: context.webhookId,
    apiVersion: context.apiVersion,
    payload: parseJsonExact(rawBody),
  };
}

type Tx = Prisma.TransactionClient;

/**
 * The shape of every webhook route: verify, validate the payload with `schema`, run
 * `effect` once per webhook id, answer 200 (also for a duplicate, so Shopify stops retrying).
 */
export async function handleWebhook<S extends z.ZodType, T>(
  request: Request,
  schema: S,
  effect: (tx: Tx, payload: z.output<S>, webhook: VerifiedWebhook) => Promise<T>,
): Promise<Response> {
  let webhook: VerifiedWebhook;
  try {
    webhook = await verifyWebhook(request);
  } catch (response) {
    if (response instanceof Response) return response;
    throw response;
  }
  const parsed = schema.safeParse(webhook.payload);
  if (!parsed.success) {
    logger.warn({ shop: webhook.shop, topic: webhook.topic, webhookId: webhook.webhookId }, "webhook payload rejected");
    return errorResponse(400, `Invalid ${webhook.topic} payload: ${describeIssues(parsed.error)}`);
  }
  const started = performance.now();
  const outcome = await processDelivery(webhook, (tx) => effect(tx, parsed.data, webhook));
  // Queued after commit: the invitation rows are the record, and the periodic sweep sends
  // anything due that a crash here would leave unqueued.
  if (!outcome.duplicate && hasSends(outcome.result)) await queueInvitationSends(outcome.result.sends);
  logger.info(
    {
      shop: webhook.shop,
      topic: webhook.topic,
      webhookId: webhook.webhookId,
      duplicate: outcome.duplicate,
      ms: Math.round(performance.now() - started),
    },
    "webhook processed",
  );
  return Response.json({ ok: true, duplicate: outcome.duplicate });
}

function hasSends(result: unknown): result is { sends: DueSend[] } {
  return typeof result === "object" && result !== null && Array.isArray((result as { sends?: unknown }).sends);
}

/** orders/create, orders/fulfilled, orders/cancelled: store the order snapshot, schedule its surveys. */
export function handleOrderWebhook(request: Request, options: { fulfilledTopic?: boolean } = {}) {
  return handleWebhook(request, OrderPayloadSchema, (tx, payload, webhook) =>
    recordOrderEvent(tx, webhook.shop, toOrderSnapshot(payload, options)),
  );
}
