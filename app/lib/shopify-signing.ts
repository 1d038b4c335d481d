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

/**
 * Shopify's App Proxy signature: hex HMAC-SHA256 of the query parameters other than
 * `signature`, sorted by name, written `name=value` one after another (repeated values
 * joined with commas).
 */
export function signAppProxyQuery(params: URLSearchParams, secret: string): string {
  const values = new Map<string, string[]>();
  for (const [key, value] of params) if (key !== "signature") values.set(key, [...(values.get(key) ?? []), value]);
  const message = [...values.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, list]) => `${key}=${list.join(",")}`)
    .join("");
  return createHmac("sha256", secret).update(message, "utf8").digest("hex");
}
