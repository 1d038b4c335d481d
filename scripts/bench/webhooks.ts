import { randomUUID } from "node:crypto";
import { API_VERSION } from "../../app/api-version";
import { stringifyJson } from "../../app/lib/json";
import { webhookHeaders } from "../../app/lib/shopify-signing";

export function signedWebhook(appUrl: string, shop: string, secret: string, payload: unknown): Request {
  const body = stringifyJson(payload);
  return new Request(`${appUrl}/webhooks/orders/create`, {
    method: "POST",
    headers: webhookHeaders({
      topic: "orders/create",
      shop,
      body,
      secret,
      apiVersion: API_VERSION,
      webhookId: randomUUID(),
    }),
    body,
  });
}
