import {
  AccountsApi,
  ApiKeySession,
  type EventCreateQueryV2ResourceObjectAttributes,
  type EventProfileCreateQueryResourceObjectAttributes,
  EventsApi,
  ProfilesApi,
  RetryWithExponentialBackoff,
} from "klaviyo-api";
import { z } from "zod";
import prisma, { openDatabase } from "../db.server";
import { env } from "../env.server";
import type { Prisma } from "../generated/prisma/client";
import { decryptSecret, encryptSecret } from "../lib/secrets.server";
import { wake } from "../workers/wake.server";

type Tx = Prisma.TransactionClient;

/**
 * Klaviyo, per shop (docs/klaviyo.md): each answer becomes an "NPS Answered" event on the
 * customer's profile, carrying the NPS profile properties; a new connection sends the shop's
 * existing answers once, in bulk jobs, without firing flows. Through the official SDK.
 */
export const KLAVIYO_METRIC = "NPS Answered";

export const KlaviyoKeySchema = z
  .string({ message: "Enter your Klaviyo private API key" })
  .trim()
  .min(1, "Enter your Klaviyo private API key")
  .regex(/^pk_[A-Za-z0-9]{10,100}$/, "A Klaviyo private API key starts with pk_ (Settings → API keys in Klaviyo)");

/** Klaviyo said no, or could not be reached: the message is for the merchant. */
export class KlaviyoError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** On a 429: seconds Klaviyo asked to wait. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

function apis(apiKey: string) {
  // No waiting inside the SDK: a 429 (or a 5xx) comes back at once, and the caller puts the
  // work off for as long as Klaviyo's Retry-After says, without holding up other work.
  const session = new ApiKeySession(apiKey, new RetryWithExponentialBackoff({ numRetries: 0 }));
  const base = env().KLAVIYO_API_URL.replace(/\/$/, "");
  const accounts = new AccountsApi(session);
  const events = new EventsApi(session);
  const profiles = new ProfilesApi(session);
  accounts.basePath = base;
  events.basePath = base;
  profiles.basePath = base;
  return { accounts, events, profiles };
}

interface HttpError {
  isAxiosError: true;
  code?: string;
  response?: { status: number; data?: unknown; headers?: Record<string, unknown> };
}
const isHttpError = (error: unknown): error is HttpError =>
  typeof error === "object" && error !== null && (error as HttpError).isAxiosError === true;

/** What Klaviyo said, in one line, without the key. */
function explain(error: unknown): KlaviyoError {
  if (isHttpError(error)) {
    const status = error.response?.status ?? null;
    if (status === 401 || status === 403) {
      return new KlaviyoError(
        "Klaviyo refused the key: use a private API key with the events:write, profiles:write, lists:write and accounts:read scopes.",
        status,
      );
    }
    if (status === 429) {
      const seconds = Number(error.response?.headers?.["retry-after"]);
      const wait = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 3600) : 60;
      return new KlaviyoError(`Klaviyo asked to slow down (429); trying again in ${wait} s.`, status, wait);
    }
    if (status !== null) {
      const detail = (error.response?.data as { errors?: Array<{ detail?: string }> } | undefined)?.errors?.[0]?.detail;
      return new KlaviyoError(`Klaviyo answered ${status}${detail ? `: ${detail.slice(0, 300)}` : ""}`, status);
    }
    return new KlaviyoError(`Klaviyo could not be reached (${error.code ?? "network error"})`, null);
  }
  return new KlaviyoError((error as Error).message, null);
}

/** Checks a key against Klaviyo: the account it opens. */
export async function checkKlaviyoKey(apiKey: string): Promise<{ id: string; name: string | null }> {
  try {
    const { body } = await apis(apiKey).accounts.getAccounts();
    const account = body.data?.[0];
    if (!account) throw new KlaviyoError("Klaviyo gave no account for this key.", null);
    return { id: account.id, name: account.attributes?.contactInformation?.organizationName ?? null };
  } catch (error) {
    throw error instanceof KlaviyoError ? error : explain(error);
  }
}

export interface KlaviyoStatus {
  connected: boolean;
  accountName: string | null;
  accountId: string | null;
  connectedAt: string | null;
  backfill: { total: number; done: number; finished: boolean };
  lastError: string | null;
}

/** The shop's connection as the settings page shows it (never the key). */
export async function getKlaviyoStatus(shop: string): Promise<KlaviyoStatus> {
  const c = await prisma.klaviyoConnection.findUnique({ where: { shop } });
  return {
    connected: c !== null,
    accountName: c?.accountName ?? null,
    accountId: c?.accountId ?? null,
    connectedAt: c?.connectedAt.toISOString() ?? null,
    backfill: {
      total: c?.backfillTotal ?? 0,
      done: c?.backfillDone ?? 0,
      finished: c ? c.backfillFinishedAt !== null : false,
    },
    lastError: c?.lastError ?? null,
  };
}

/** Answers Klaviyo can place on a profile: a customer with an email, not erased. */
const SENDABLE = `c.email IS NOT NULL AND c.redacted_at IS NULL`;

/**
 * Connects a shop after checking the key with Klaviyo, and starts the backfill of the answers
 * stored so far (those that come later are sent one by one). Connecting again replaces the
 * key and starts the backfill over. Throws KlaviyoError when Klaviyo refuses the key.
 */
export async function connectKlaviyo(shop: string, apiKey: string): Promise<KlaviyoStatus> {
  const account = await checkKlaviyoKey(apiKey);
  await prisma.$transaction(async (tx) => {
    const { rows } = {
      rows: await tx.$queryRawUnsafe<Array<{ up_to: number; n: number }>>(
        // Up to the last id handed out, committed or not: an answer being stored right now has
        // no event of its own (the connection is not there for it yet), so the backfill takes it.
        `SELECT (SELECT last_value FROM responses_id_seq)::int AS up_to,
                count(*) FILTER (WHERE ${SENDABLE})::int AS n
         FROM responses r LEFT JOIN customers c ON c.id = r.customer_id WHERE r.shop = $1`,
        shop,
      ),
    };
    const { up_to: upTo, n } = rows[0]!;
    await tx.$executeRaw`
      INSERT INTO klaviyo_connections (shop, api_key, account_id, account_name, connected_at, backfill_total,
                                       backfill_done, backfill_cursor, backfill_finished_at, backfill_up_to, last_error)
      VALUES (${shop}, ${encryptSecret(apiKey)}, ${account.id}, ${account.name}, now(), ${n}, 0, 0,
              ${n === 0 ? new Date() : null}, ${upTo}, NULL)
      ON CONFLICT (shop) DO UPDATE SET api_key = EXCLUDED.api_key, account_id = EXCLUDED.account_id,
        account_name = EXCLUDED.account_name, connected_at = now(), backfill_total = EXCLUDED.backfill_total,
        backfill_done = 0, backfill_cursor = 0, backfill_finished_at = EXCLUDED.backfill_finished_at,
        backfill_up_to = EXCLUDED.backfill_up_to, last_error = NULL`;
  });
  wake("actions");
  return getKlaviyoStatus(shop);
}

/** Stops sending: the key is deleted; events not yet sent are dropped (skipped). */
export async function disconnectKlaviyo(shop: string): Promise<boolean> {
  const [, removed] = await prisma.$transaction([
    prisma.klaviyoProfileSync.deleteMany({ where: { shop } }),
    prisma.klaviyoConnection.deleteMany({ where: { shop } }),
  ]);
  return removed.count > 0;
}

/**
 * In an answer's transaction: its event, when the shop is connected and the answer belongs to
 * a customer Klaviyo can know. An edited answer is sent again (a new event: Klaviyo keeps the
 * history), unless its first event has not gone yet, which then carries the latest answer.
 */
export async function recordKlaviyoEvent(tx: Tx, responseId: number): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO answer_actions (shop, response_id, kind, key)
     SELECT r.shop, r.id, 'KLAVIYO_EVENT', 'klaviyo'
     FROM responses r JOIN klaviyo_connections k ON k.shop = r.shop JOIN customers c ON c.id = r.customer_id
     WHERE r.id = $1 AND ${SENDABLE}
     ON CONFLICT (response_id, key) DO UPDATE SET status = 'PENDING', attempts = 0, last_error = NULL,
       next_attempt_at = now(), done_at = NULL`,
    responseId,
  );
}

interface AnswerFacts {
  response_id: number;
  updated_ms: string;
  email: string;
  customer_gid: string;
  first_name: string | null;
  last_name: string | null;
  score: number;
  category: string;
  stage: string;
  channel: string;
  comment: string | null;
  locale: string | null;
  answered_at: string;
  order_name: string;
  order_total: string;
  currency: string;
  brands: string[];
  themes: string[];
  segment: string | null;
  last_score: number;
  last_category: string;
  last_answered_at: string;
}

const FACTS = `
  SELECT r.id AS response_id, floor(extract(epoch FROM r.updated_at) * 1000)::bigint::text AS updated_ms,
         c.email, 'gid://shopify/Customer/' || c.shopify_id AS customer_gid, c.first_name, c.last_name,
         r.score, lower(r.category::text) AS category,
         CASE r.stage WHEN 'PRE_DELIVERY' THEN 'before delivery' ELSE 'after delivery' END AS stage,
         lower(r.channel::text) AS channel, r.comment, r.locale,
         to_char(r.answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS answered_at,
         o.name AS order_name, o.current_total::text AS order_total, o.currency, r.vendors AS brands,
         coalesce((SELECT array_agg(t.theme ORDER BY t.theme) FROM response_themes t WHERE t.response_id = r.id),
                  '{}') AS themes,
         lower(c.segment::text) AS segment,
         l.score AS last_score, lower(l.category::text) AS last_category,
         to_char(l.answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS last_answered_at
  FROM responses r JOIN orders o ON o.id = r.order_id JOIN customers c ON c.id = r.customer_id
  CROSS JOIN LATERAL (SELECT x.score, x.category, x.answered_at FROM responses x
                      WHERE x.shop = r.shop AND x.customer_id = r.customer_id
                      ORDER BY x.answered_at DESC, x.id DESC LIMIT 1) l
  WHERE ${SENDABLE}`;

/**
 * The event's own part: what it says about the answer, its time, value and de-duplication id.
 * Field names are the SDK's (camelCase), which its serializer writes as Klaviyo's; the keys
 * inside `properties` are sent as they are.
 */
function eventAttributes(f: AnswerFacts): Omit<EventCreateQueryV2ResourceObjectAttributes, "profile"> {
  return {
    properties: {
      score: f.score,
      category: f.category,
      stage: f.stage,
      channel: f.channel,
      comment: f.comment ?? "",
      themes: f.themes,
      brands: f.brands,
      order_name: f.order_name,
      order_value: Number(f.order_total),
      locale: f.locale,
    },
    time: new Date(f.answered_at),
    value: Number(f.order_total),
    valueCurrency: f.currency,
    // Klaviyo keeps the first event of an id: an edit of the answer is a new id.
    uniqueId: `nps-${f.response_id}-${f.updated_ms}`,
    metric: { data: { type: "metric" as const, attributes: { name: KLAVIYO_METRIC } } },
  };
}

/** The profile's part: who it is, and the NPS properties from the customer's latest answer. */
function profileAttributes(f: AnswerFacts): EventProfileCreateQueryResourceObjectAttributes {
  return {
    email: f.email,
    externalId: f.customer_gid,
    ...(f.first_name ? { firstName: f.first_name } : {}),
    ...(f.last_name ? { lastName: f.last_name } : {}),
    properties: {
      nps_last_score: f.last_score,
      nps_category: f.last_category,
      nps_last_answered_at: f.last_answered_at,
      rfm_segment: f.segment ?? "none",
    },
  };
}

async function connection(shop: string): Promise<{ apiKey: string } | null> {
  const c = await prisma.klaviyoConnection.findUnique({ where: { shop }, select: { apiKey: true } });
  return c ? { apiKey: decryptSecret(c.apiKey) } : null;
}

/** Sent, or why not: "gone" when there is nothing to send (disconnected, erased, a guest now). */
export async function sendKlaviyoEvent(shop: string, responseId: number): Promise<"sent" | "gone"> {
  const link = await connection(shop);
  if (!link) return "gone";
  const facts = (
    await openDatabase().sql.query<AnswerFacts>(`${FACTS} AND r.id = $1 AND r.shop = $2`, [responseId, shop])
  ).rows[0];
  if (!facts) return "gone";
  try {
    await apis(link.apiKey).events.createEvent({
      data: {
        type: "event",
        attributes: {
          ...eventAttributes(facts),
          profile: { data: { type: "profile", attributes: profileAttributes(facts) } },
        },
      },
    });
  } catch (error) {
    throw explain(error);
  }
  return "sent";
}

/**
 * Events a bulk job carries at most: Klaviyo takes 1,000 per job and 5 MB per request, and
 * 500 events with 2,000-character comments in any script stay under the size.
 */
const BACKFILL_BATCH = 500;

/**
 * Sends the next part of each connected shop's backfill (or `shop`'s): up to 500 answers in
 * one bulk job, grouped by profile, marked as backfill so that flows do not fire, with the
 * progress stored after each job. Returns the answers sent. A failure (a 429 included) is
 * kept for the settings page and tried again on the next run. Each batch belongs to the
 * connection it began with: a disconnect, or a connection to another account, stops it.
 */
export async function runKlaviyoBackfills(options: { shop?: string; batches?: number } = {}): Promise<number> {
  const db = openDatabase();
  const { rows: due } = await db.sql.query<{ shop: string; generation: string }>(
    `SELECT shop, connected_at::text AS generation FROM klaviyo_connections
     WHERE backfill_finished_at IS NULL AND ($1::text IS NULL OR shop = $1)`,
    [options.shop ?? null],
  );
  let sent = 0;
  for (const d of due) {
    for (let batch = 0; batch < (options.batches ?? Number.POSITIVE_INFINITY); batch++) {
      const current = (
        await db.sql.query<{ api_key: string; cursor: number; up_to: number }>(
          `SELECT api_key, backfill_cursor AS cursor, backfill_up_to AS up_to FROM klaviyo_connections
           WHERE shop = $1 AND connected_at::text = $2 AND backfill_finished_at IS NULL`,
          [d.shop, d.generation],
        )
      ).rows[0];
      if (!current) break;
      const { rows } = await db.sql.query<AnswerFacts>(
        `${FACTS} AND r.shop = $1 AND r.id > $2 AND r.id <= $3 ORDER BY r.id LIMIT ${BACKFILL_BATCH}`,
        [d.shop, current.cursor, current.up_to],
      );
      if (rows.length === 0) {
        // Answers erased or gone since the start are not owed: the total becomes what was sent.
        await db.sql.query(
          `UPDATE klaviyo_connections SET backfill_finished_at = now(), backfill_total = backfill_done, last_error = NULL
           WHERE shop = $1 AND connected_at::text = $2`,
          [d.shop, d.generation],
        );
        break;
      }
      const profiles = new Map<string, AnswerFacts[]>();
      for (const r of rows) profiles.set(r.email, [...(profiles.get(r.email) ?? []), r]);
      try {
        await apis(decryptSecret(current.api_key)).events.bulkCreateEvents({
          data: {
            type: "event-bulk-create-job",
            attributes: {
              eventsBulkCreate: {
                data: [...profiles.values()].map((answers) => ({
                  type: "event-bulk-create",
                  attributes: {
                    profile: { data: { type: "profile", attributes: profileAttributes(answers.at(-1)!) } },
                    events: {
                      data: answers.map((a) => ({
                        type: "event",
                        attributes: { ...eventAttributes(a), backfill: true },
                      })),
                    },
                  },
                })),
              },
            },
          },
        });
      } catch (error) {
        await db.sql.query(
          "UPDATE klaviyo_connections SET last_error = $3 WHERE shop = $1 AND connected_at::text = $2",
          [d.shop, d.generation, explain(error).message],
        );
        break;
      }
      sent += rows.length;
      await db.sql.query(
        `UPDATE klaviyo_connections SET backfill_cursor = $3, backfill_done = backfill_done + $4, last_error = NULL
         WHERE shop = $1 AND connected_at::text = $2`,
        [d.shop, d.generation, rows.at(-1)!.response_id, rows.length],
      );
    }
  }
  return sent;
}

/** Profiles a bulk import job carries at most (Klaviyo's limit). */
const PROFILE_BATCH = 10_000;

/**
 * Updates the Klaviyo profiles of customers whose RFM segment may have changed (queued by the
 * RFM run), in bulk import jobs of up to 10,000: rfm_segment, beside the NPS properties the
 * events keep. Returns the profiles sent; a failure stays queued for the next run.
 */
export async function runKlaviyoProfileSyncs(options: { shop?: string } = {}): Promise<number> {
  const db = openDatabase();
  const { rows: shops } = await db.sql.query<{ shop: string }>(
    `SELECT DISTINCT q.shop FROM klaviyo_profile_syncs q JOIN klaviyo_connections k ON k.shop = q.shop
     WHERE $1::text IS NULL OR q.shop = $1`,
    [options.shop ?? null],
  );
  let sent = 0;
  for (const { shop } of shops) {
    const link = await connection(shop);
    if (!link) continue;
    for (;;) {
      const { rows } = await db.sql.query<{
        customer_id: number;
        email: string | null;
        customer_gid: string;
        segment: string | null;
        redacted: boolean;
      }>(
        `SELECT q.customer_id, c.email, 'gid://shopify/Customer/' || c.shopify_id AS customer_gid,
                lower(c.segment::text) AS segment, c.redacted_at IS NOT NULL AS redacted
         FROM klaviyo_profile_syncs q JOIN customers c ON c.id = q.customer_id
         WHERE q.shop = $1 ORDER BY q.queued_at, q.customer_id LIMIT ${PROFILE_BATCH}`,
        [shop],
      );
      if (rows.length === 0) break;
      const profiles = rows.filter((r) => r.email && !r.redacted);
      if (profiles.length > 0) {
        try {
          await apis(link.apiKey).profiles.bulkImportProfiles({
            data: {
              type: "profile-bulk-import-job",
              attributes: {
                profiles: {
                  data: profiles.map((p) => ({
                    type: "profile",
                    attributes: {
                      email: p.email,
                      externalId: p.customer_gid,
                      properties: { rfm_segment: p.segment ?? "none" },
                    },
                  })),
                },
              },
            },
          });
        } catch (error) {
          await db.sql.query("UPDATE klaviyo_connections SET last_error = $2 WHERE shop = $1", [
            shop,
            explain(error).message,
          ]);
          break;
        }
      }
      await db.sql.query("DELETE FROM klaviyo_profile_syncs WHERE customer_id = ANY($1::int[])", [
        rows.map((r) => r.customer_id),
      ]);
      sent += profiles.length;
      if (rows.length < PROFILE_BATCH) break;
    }
  }
  return sent;
}
