import { createHmac, randomUUID } from "node:crypto";

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body with the app's secret. */
export function signWebhookBody(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** The headers Shopify sends with a webhook. */
export function webhookHeaders(options: {
  topic: string;
  shop: string;
  body: string;
  secret: string;
  apiVersion: string;
  webhookId?: string;
}): Headers {
  return new Headers({
    "content-type": "application/json",
    "x-shopify-topic": options.topic,
    "x-shopify-shop-domain": options.shop,
    "x-shopify-api-version": options.apiVersion,
    "x-shopify-webhook-id": options.webhookId ?? randomUUID(),
    "x-shopify-triggered-at": new Date().toISOString(),
    "x-shopify-hmac-sha256": signWebhookBody(options.body, options.secret),
  });
}
