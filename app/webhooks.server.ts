import { createHmac, timingSafeEqual } from "node:crypto";
import type { z } from "zod";
import { describeIssues } from "./domain/order-snapshot";
import { ShopDomainSchema } from "./domain/compliance";
import { BodyTooLargeError, bodyTooLarge, errorResponse, readBodyCapped, WEBHOOK_BODY_LIMIT } from "./lib/http";
import { parseJsonExact } from "./lib/json";
import { requireShopifyCredentials } from "./env.server";
import { logger } from "./logger.server";
import { recordDelivery } from "./models/webhook-inbox.server";
import { type Topic, TOPICS } from "./webhook-topics.server";
import { wake } from "./workers/wake.server";

export interface VerifiedWebhook {
  shop: string;
  topic: string;
  webhookId: string;
  /** The body parsed with integers beyond 2^53 kept exact (as bigint). */
  payload: unknown;
  rawBody: string;
}

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body bytes with the app's secret. */
function signatureMatches(body: Uint8Array, header: string, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const REQUIRED_HEADERS = ["x-shopify-topic", "x-shopify-api-version", "x-shopify-webhook-id"] as const;

/**
 * Checks the shop header, reads the body once within WEBHOOK_BODY_LIMIT (413 past it),
 * verifies its HMAC over the raw bytes, then parses the body exactly.
 * Missing or wrong HMAC: 401. A shop header that is not a shop, a missing Shopify header,
 * or a body that is not JSON: 400. Throws those as Responses.
 *
 * This is Shopify's documented check, done here rather than through the library's
 * `authenticate.webhook`, which also loads the shop's session from the database on every
 * delivery: a webhook needs no Admin API client, and at flash-sale rates that read is a
 * large share of a request's cost.
 */
export async function verifyWebhook(request: Request): Promise<VerifiedWebhook> {
  if (request.method !== "POST") throw errorResponse(405, "Webhooks are POST requests.");
  const hmac = request.headers.get("x-shopify-hmac-sha256");
  if (!hmac) {
    throw errorResponse(401, "Missing X-Shopify-Hmac-Sha256 header: the request is not signed.");
  }
  // The signature covers the body, not the headers: the shop header must at least be a shop.
  const shop = request.headers.get("x-shopify-shop-domain");
  if (!ShopDomainSchema.safeParse(shop).success) {
    throw errorResponse(400, "X-Shopify-Shop-Domain must be a shop domain such as my-shop.myshopify.com.");
  }
  let bytes: Uint8Array;
  try {
    bytes = await readBodyCapped(request, WEBHOOK_BODY_LIMIT);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw bodyTooLarge(error.limit);
    throw error;
  }
  if (!signatureMatches(bytes, hmac, requireShopifyCredentials().apiSecret)) {
    throw errorResponse(401, "HMAC signature does not match the body.");
  }
  if (REQUIRED_HEADERS.some((name) => !request.headers.get(name))) {
    throw errorResponse(400, "Missing Shopify webhook headers (topic, shop, API version or webhook id).");
  }
  const rawBody = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  let payload: unknown;
  try {
    payload = parseJsonExact(rawBody);
  } catch {
    throw errorResponse(400, "The webhook body is not JSON.");
  }
  return {
    shop: shop!,
    topic: request.headers.get("x-shopify-topic")!,
    webhookId: request.headers.get("x-shopify-webhook-id")!,
    payload,
    rawBody,
  };
}

/**
 * Every webhook route: verify (401 without a valid HMAC, 413 past the size cap), validate
 * the payload for its topic and the shop it names against the shop header (400 naming what
 * is wrong), record the delivery once per webhook id, answer 200
 * (also for a repeat, so Shopify stops retrying). The delivery is applied right after, by
 * the inbox; nothing is written for a refused request.
 */
export async function receiveWebhook(request: Request, topic: Topic): Promise<Response> {
  let webhook: VerifiedWebhook;
  try {
    webhook = await verifyWebhook(request);
  } catch (response) {
    if (response instanceof Response) return response;
    throw response;
  }
  if (webhook.topic !== topic) {
    return errorResponse(400, `This address receives ${topic} webhooks, not ${webhook.topic}.`);
  }
  const parsed = TOPICS[topic].schema.safeParse(webhook.payload);
  if (!parsed.success) {
    logger.warn({ shop: webhook.shop, topic, webhookId: webhook.webhookId }, "webhook payload rejected");
    return errorResponse(400, `Invalid ${topic} payload: ${describeIssues(parsed.error as z.ZodError)}`);
  }
  const shopInBody = (TOPICS[topic].shopInBody as ((payload: unknown) => string | null | undefined) | undefined)?.(
    parsed.data,
  );
  if (shopInBody && shopInBody !== webhook.shop) {
    logger.warn({ shop: webhook.shop, topic, webhookId: webhook.webhookId }, "webhook shop mismatch");
    return errorResponse(
      400,
      `Invalid ${topic} payload: the body is for ${shopInBody}, the X-Shopify-Shop-Domain header names ${webhook.shop}.`,
    );
  }
  const fresh = await recordDelivery({
    shop: webhook.shop,
    webhookId: webhook.webhookId,
    topic,
    body: webhook.rawBody,
  });
  logger.info({ shop: webhook.shop, topic, webhookId: webhook.webhookId, duplicate: !fresh }, "webhook received");
  if (fresh) {
    // Apply it, then, for an export that finished, fetch and import the shop's history.
    wake(topic === "bulk_operations/finish" ? "imports" : "inbox");
  }
  return Response.json({ ok: true, duplicate: !fresh });
}
