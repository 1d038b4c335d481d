/** Signed webhooks out (docs/webhooks.md): what the admin page and the server share. */
export const WEBHOOK_TOPICS = ["answer.created", "answer.updated", "case.status_changed", "theme.spike"] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export const SIGNATURE_HEADER = "X-NPS-Hmac-Sha256";
export const EVENT_ID_HEADER = "X-NPS-Event-Id";
export const TOPIC_HEADER = "X-NPS-Topic";
export const SHOP_DOMAIN_HEADER = "X-NPS-Shop-Domain";

/** Endpoints per shop: enough for a CRM, a warehouse and a test, not a fan-out service. */
export const MAX_ENDPOINTS = 10;
