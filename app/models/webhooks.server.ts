import { createHmac, randomBytes } from "node:crypto";
import { z } from "zod";
import prisma, { openDatabase } from "../db.server";
import type { Prisma } from "../generated/prisma/client";
import { OutboundRefusedError, policyFromEnv, postJson, urlRefusal } from "../integrations/outbound.server";
import { decryptSecret, encryptSecret } from "../lib/secrets.server";
import {
  EVENT_ID_HEADER,
  MAX_ENDPOINTS,
  SHOP_DOMAIN_HEADER,
  SIGNATURE_HEADER,
  TOPIC_HEADER,
  WEBHOOK_TOPICS,
  type WebhookTopic,
} from "../domain/webhooks";

type Tx = Prisma.TransactionClient;

/**
 * Signed webhooks out (docs/webhooks.md): a shop's https endpoints receive its events as JSON,
 * signed the way Shopify signs its own (HMAC-SHA256 of the body, base64, in a header). Each
 * event is an answer action (app/models/answer-actions.server.ts) per endpoint: stored in the
 * transaction that made it, sent with retries and backoff, and listed when it failed.
 */
export const WebhookEndpointSchema = z.object({
  url: z
    .string({ message: "Enter the endpoint's URL" })
    .trim()
    .min(1, "Enter the endpoint's URL")
    .max(2000, "At most 2,000 characters")
    .superRefine((url, ctx) => {
      if (url === "") return;
      const refusal = urlRefusal(url, policyFromEnv());
      if (refusal) ctx.addIssue({ code: "custom", message: `This URL cannot receive webhooks: ${refusal}` });
    }),
  topics: z
    .array(z.enum(WEBHOOK_TOPICS, { message: `Events are ${WEBHOOK_TOPICS.join(", ")}` }))
    .min(1, "Choose at least one event")
    .transform((topics) => [...new Set(topics)].sort()),
});
export type WebhookEndpointInput = z.infer<typeof WebhookEndpointSchema>;

export class TooManyEndpointsError extends Error {}

/** The signature of a body with an endpoint's secret, as the header carries it. */
export function signWebhook(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

/** Adds an endpoint with a new secret; returns its id. */
export async function createWebhookEndpoint(shop: string, input: WebhookEndpointInput): Promise<number> {
  const secret = randomBytes(32).toString("hex");
  const rows = await prisma.$transaction(async (tx) => {
    // Saves of one shop take turns: two at once would both count nine and both insert. (NO KEY:
    // the shop's other writes, which only reference the row, do not wait.)
    await tx.$queryRaw`SELECT 1 FROM shops WHERE domain = ${shop} FOR NO KEY UPDATE`;
    return tx.$queryRaw<Array<{ id: number }>>`
      INSERT INTO webhook_endpoints (shop, url, secret, topics, updated_at)
      SELECT ${shop}, ${encryptSecret(input.url)}, ${encryptSecret(secret)}, ${input.topics}::text[], now()
      WHERE (SELECT count(*) FROM webhook_endpoints WHERE shop = ${shop}) < ${MAX_ENDPOINTS}
      RETURNING id`;
  });
  if (!rows[0]?.id) throw new TooManyEndpointsError(`A shop has at most ${MAX_ENDPOINTS} webhook endpoints.`);
  return rows[0].id;
}

export async function listWebhookEndpoints(shop: string) {
  const { rows } = await openDatabase().sql.query<{
    id: number;
    url: string;
    secret: string;
    topics: string[];
    enabled: boolean;
    createdAt: string;
  }>(
    `SELECT id, url, secret, topics, enabled,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"
     FROM webhook_endpoints WHERE shop = $1 ORDER BY id`,
    [shop],
  );
  return rows.map((r) => ({ ...r, url: decryptSecret(r.url), secret: decryptSecret(r.secret) }));
}

/** Deletes one of the shop's endpoints (its undelivered events with it); 0 when it has none. */
export async function deleteWebhookEndpoint(shop: string, id: number): Promise<number> {
  const { rows } = await openDatabase().sql.query<{ n: number }>(
    "WITH gone AS (DELETE FROM webhook_endpoints WHERE shop = $1 AND id = $2 RETURNING 1) SELECT count(*)::int AS n FROM gone",
    [shop, id],
  );
  return rows[0]!.n;
}

export async function setWebhookEndpointEnabled(shop: string, id: number, enabled: boolean): Promise<number> {
  const { rows } = await openDatabase().sql.query<{ n: number }>(
    `WITH changed AS (UPDATE webhook_endpoints SET enabled = $3, updated_at = now() WHERE shop = $1 AND id = $2 RETURNING 1)
     SELECT count(*)::int AS n FROM changed`,
    [shop, id, enabled],
  );
  return rows[0]!.n;
}

/** What an answer event says of the answer, its order, customer and case, as stored now. */
const ANSWER_DATA = `
  jsonb_build_object(
    'answer', jsonb_build_object(
      'id', r.id, 'score', r.score, 'category', lower(r.category::text),
      'stage', lower(r.stage::text), 'channel', lower(r.channel::text),
      'comment', r.comment, 'follow_up_question', r.follow_up_question, 'locale', r.locale,
      'answered_at', to_char(r.answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'brands', to_jsonb(r.vendors),
      'themes', to_jsonb(ARRAY(SELECT t.theme FROM response_themes t WHERE t.response_id = r.id ORDER BY t.theme))),
    'order', jsonb_build_object(
      'id', 'gid://shopify/Order/' || o.shopify_id, 'name', o.name,
      'total', o.current_total::text, 'currency', o.currency),
    'customer', CASE WHEN c.id IS NULL THEN NULL ELSE jsonb_build_object(
      'id', 'gid://shopify/Customer/' || c.shopify_id, 'email', c.email,
      'first_name', c.first_name, 'last_name', c.last_name, 'rfm_segment', lower(c.segment::text)) END,
    'case', CASE WHEN fc.id IS NULL THEN NULL ELSE jsonb_build_object('id', fc.id, 'status', lower(fc.status::text)) END)`;

/**
 * Records events about answers, each for every enabled endpoint of its shop that takes the
 * topic, in the caller's transaction: a body is fixed now (with its event's id, the same for
 * every endpoint), and every try sends the same. `extra` goes beside the answer's data (a
 * case's change, say). Recorded in the order given, which is the order they are sent in.
 */
export async function recordWebhookEvents(
  tx: Tx,
  topic: WebhookTopic,
  events: Array<{ responseId: number; extra?: Record<string, unknown> }>,
): Promise<number> {
  if (events.length === 0) return 0;
  return tx.$executeRawUnsafe(
    `INSERT INTO answer_actions (shop, response_id, kind, key, endpoint_id, payload)
     SELECT r.shop, r.id, 'WEBHOOK', 'webhook:' || e.id || ':' || x.event_id, e.id,
            jsonb_build_object('id', x.event_id, 'topic', $1::text, 'shop', r.shop,
                               'created_at', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                               'data', ${ANSWER_DATA} || x.extra)
     FROM (SELECT x.*, gen_random_uuid()::text AS event_id
           FROM unnest($2::int[], $3::jsonb[]) WITH ORDINALITY AS x(response_id, extra, n)) x
     JOIN responses r ON r.id = x.response_id
     JOIN orders o ON o.id = r.order_id
     LEFT JOIN customers c ON c.id = r.customer_id
     LEFT JOIN follow_up_cases fc ON fc.response_id = r.id
     JOIN webhook_endpoints e ON e.shop = r.shop AND e.enabled AND $1::text = ANY(e.topics)
     -- Nothing more goes out about an erased customer or order (customers/redact).
     WHERE o.redacted_at IS NULL AND c.redacted_at IS NULL
     ORDER BY x.n, e.id`,
    topic,
    events.map((e) => e.responseId),
    events.map((e) => JSON.stringify(e.extra ?? {})),
  );
}

/** Thrown when an event's endpoint is gone or switched off: recorded as skipped, not retried. */
export class EndpointGoneError extends Error {}

/** Sends one recorded event to its endpoint; throws with a reason the merchant may read. */
export async function deliverWebhook(actionId: number): Promise<void> {
  const { rows } = await openDatabase().sql.query<{
    shop: string;
    payload: unknown;
    url: string | null;
    secret: string | null;
    enabled: boolean | null;
  }>(
    `SELECT a.shop, a.payload, e.url, e.secret, e.enabled
     FROM answer_actions a LEFT JOIN webhook_endpoints e ON e.id = a.endpoint_id WHERE a.id = $1`,
    [actionId],
  );
  const a = rows[0];
  if (!a?.url || !a.secret || a.payload === null) throw new EndpointGoneError("the endpoint was deleted");
  if (!a.enabled) throw new EndpointGoneError("the endpoint is switched off");
  const body = JSON.stringify(a.payload);
  const event = a.payload as { id: string; topic: string };
  let status: number;
  try {
    ({ status } = await postJson(decryptSecret(a.url), body, {
      raw: true,
      headers: {
        [SIGNATURE_HEADER]: signWebhook(body, decryptSecret(a.secret)),
        [EVENT_ID_HEADER]: event.id,
        [TOPIC_HEADER]: event.topic,
        [SHOP_DOMAIN_HEADER]: a.shop,
      },
    }));
  } catch (error) {
    // Never what a server said: only why the app did not deliver.
    throw new Error(
      // Not which address a name resolved to: the log must not map the app's own network.
      error instanceof OutboundRefusedError
        ? "The endpoint's address is not a public one (or its URL is refused)"
        : `The endpoint could not be reached (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  if (status < 200 || status >= 300) throw new Error(`The endpoint answered ${status}`);
}

/** The latest deliveries of the shop's webhooks, newest first. */
export async function listWebhookDeliveries(shop: string, limit = 30) {
  const { rows } = await openDatabase().sql.query<{
    id: number;
    endpointId: number | null;
    topic: string;
    eventId: string;
    status: string;
    attempts: number;
    lastError: string | null;
    createdAt: string;
  }>(
    `SELECT a.id, a.endpoint_id AS "endpointId", a.payload->>'topic' AS topic, a.payload->>'id' AS "eventId",
            a.status::text AS status, a.attempts, a.last_error AS "lastError",
            to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"
     FROM answer_actions a WHERE a.shop = $1 AND a.kind = 'WEBHOOK' ORDER BY a.id DESC LIMIT $2`,
    [shop, limit],
  );
  return rows;
}
