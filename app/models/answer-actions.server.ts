import { openDatabase } from "../db.server";
import {
  type AlertAnswer,
  renderAlert,
  renderDigest,
  type RenderedAlert,
  renderSpikeAlert,
} from "../email/alert-email";
import { type Mailer, SHOP_HEADER } from "../email/mailer.server";
import { readSettings } from "../domain/settings";
import type { Prisma } from "../generated/prisma/client";
import { OutboundRefusedError, postJson } from "../integrations/outbound.server";
import { type AdminGraphql, adminQueryThrottled } from "../lib/admin-graphql";
import { decryptSecret } from "../lib/secrets.server";
import { slackUrlRefusal } from "./alert-rules.server";
import { loadSpikeAlert } from "./theme-spikes.server";
import { deliverWebhook, EndpointGoneError } from "./webhooks.server";
import {
  createDiscountInShopify,
  DEFAULT_PROXY_PREFIX,
  loadShareStep,
  markDiscountCodeUnavailable,
  recordShareEvent,
  shareEmailFacts,
} from "./advocacy.server";
import { shareStepFor } from "../domain/advocacy";
import { renderShareEmail } from "../email/share-email";
import { signShareLink } from "../lib/share-links.server";
import { env } from "../env.server";
import { apologyPayload, mailApology } from "./apologies.server";
import { KlaviyoError, sendKlaviyoEvent } from "../integrations/klaviyo.server";

type Tx = Prisma.TransactionClient;
type ActionKind = `${import("../generated/prisma/enums").ActionKind}`;

/** The handle of the Flow trigger extension (extensions/nps-flow-trigger). */
export const FLOW_TRIGGER_HANDLE = "nps-answer-received";
export const NPS_TAGS = { PROMOTER: "nps-promoter", PASSIVE: "nps-passive", DETRACTOR: "nps-detractor" } as const;
export const METAFIELD = { namespace: "$app:nps", key: "last_answer" } as const;

const MAX_ATTEMPTS = 5;
/** Minutes to wait after the nth failed attempt. */
const BACKOFF_MINUTES = [1, 5, 30, 120];
/**
 * What a webhook event keeps once it is sent or given up: its id and topic for the delivery
 * log, not the answer, comment and customer it carried.
 */
const SENT_PAYLOAD = `CASE WHEN payload IS NULL THEN NULL ELSE jsonb_build_object('id', payload->'id', 'topic', payload->'topic') END`;
/** A claimed action not finished in this time (a crash) is tried again. */
const LEASE_MINUTES = 10;

/**
 * Records what an answer sets off, in the answer's transaction: an alert per matching rule and
 * target (at once for urgent rules, else at the next 08:00 digest in the shop's time zone),
 * the customer's tags and metafield, and the Flow trigger. An edited answer re-syncs the tags;
 * alerts and the Flow trigger go out once per answer.
 */
export async function recordAnswerActions(tx: Tx, responseId: number) {
  await tx.$executeRaw`
    INSERT INTO answer_actions (shop, response_id, kind, rule_id, key, digest, next_attempt_at)
    SELECT r.shop, r.id, k.kind, ar.id, 'alert:' || ar.id || ':' || k.target, NOT ar.urgent,
           CASE WHEN ar.urgent THEN now() ELSE (
             SELECT (d + CASE WHEN d + interval '8 hours' > local_now THEN interval '8 hours'
                              ELSE interval '32 hours' END) AT TIME ZONE tz
             FROM (SELECT shop_time_zone(r.shop) AS tz) z
             CROSS JOIN LATERAL (SELECT now() AT TIME ZONE z.tz AS local_now) l
             CROSS JOIN LATERAL (SELECT date_trunc('day', l.local_now) AS d) dd) END
    FROM responses r
    LEFT JOIN customers c ON c.id = r.customer_id
    JOIN alert_rules ar ON ar.shop = r.shop AND ar.enabled AND ar.kind = 'ANSWER' AND r.score BETWEEN ar.score_min AND ar.score_max
                        AND (ar.stage IS NULL OR ar.stage = r.stage)
                        AND (cardinality(ar.segments) = 0 OR c.segment = ANY(ar.segments))
    CROSS JOIN LATERAL (VALUES ('ALERT_EMAIL'::"ActionKind", 'email', cardinality(ar.emails) > 0),
                               ('ALERT_SLACK'::"ActionKind", 'slack', ar.slack_webhook_url IS NOT NULL))
                       AS k(kind, target, wanted)
    WHERE r.id = ${responseId} AND k.wanted
    ON CONFLICT (response_id, key) DO NOTHING`;
  const rows = await tx.$queryRaw<Array<{ shop: string; has_customer: boolean; settings: unknown }>>`
    SELECT r.shop, r.customer_id IS NOT NULL AS has_customer, s.settings
    FROM responses r JOIN shops s ON s.domain = r.shop WHERE r.id = ${responseId}`;
  const r = rows[0];
  if (!r || !r.has_customer) return;
  if (readSettings(r.settings).tagCustomers) {
    await tx.$executeRaw`
      INSERT INTO answer_actions (shop, response_id, kind, key) VALUES (${r.shop}, ${responseId}, 'CUSTOMER_TAGS', 'tags')
      ON CONFLICT (response_id, key) DO UPDATE SET status = 'PENDING', attempts = 0, last_error = NULL,
        next_attempt_at = now(), done_at = NULL`;
  }
  await tx.$executeRaw`
    INSERT INTO answer_actions (shop, response_id, kind, key) VALUES (${r.shop}, ${responseId}, 'FLOW_TRIGGER', 'flow')
    ON CONFLICT (response_id, key) DO NOTHING`;
}

export interface ActionDeps {
  /** The shop's Admin API, or null when there is none (demo shop, uninstalled). */
  adminFor: (shop: string) => Promise<AdminGraphql | null>;
  mailer: () => Mailer;
  /** Base URL of the app's admin pages, for links in alerts. */
  appUrl: string;
  wait?: (ms: number) => Promise<unknown>;
}

interface ClaimedAction {
  id: number;
  shop: string;
  response_id: number;
  kind: ActionKind;
  rule_id: number | null;
  /** alert:<rule>:<target>, spike:…, tags, flow, webhook:…, discount:<code id>, apology, klaviyo. */
  key: string;
  digest: boolean;
  attempts: number;
}

/** An action that cannot be done and should not be retried (no Admin API, a guest). */
class SkipAction extends Error {}

/** The other side asked to wait (a 429 with Retry-After): tried again then, not counted as a failure. */
class RetryLater extends Error {
  constructor(
    message: string,
    readonly seconds: number,
  ) {
    super(message);
  }
}

/**
 * Carries out due actions, a batch at a time, until none is due: each is leased (claimed
 * for ten minutes, so a crash means a retry, never a loss), done, then marked DONE; a
 * failure waits 1, 5, 30 and 120 minutes before the next try and after five is FAILED,
 * shown in the admin with its error. Digest alerts due together go out as one message.
 */
export async function runDueActions(deps: ActionDeps, options: { shop?: string; now?: Date } = {}) {
  const db = openDatabase();
  const counts = { done: 0, failed: 0, retrying: 0, skipped: 0 };
  for (;;) {
    const claimed = (
      await db.sql.query<ClaimedAction>(
        `UPDATE answer_actions a SET attempts = a.attempts + 1,
                next_attempt_at = $1::timestamptz + make_interval(mins => ${LEASE_MINUTES})
         WHERE a.id IN (SELECT id FROM answer_actions WHERE status = 'PENDING' AND next_attempt_at <= $1::timestamptz
                        AND ($2::text IS NULL OR shop = $2) ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED)
         RETURNING a.id, a.shop, a.response_id, a.kind::text AS kind, a.rule_id, a.key, a.digest, a.attempts`,
        [(options.now ?? new Date()).toISOString(), options.shop ?? null],
      )
    ).rows;
    if (claimed.length === 0) return counts;
    // In the order they happened (UPDATE ... RETURNING gives rows in the table's order): an
    // answer's webhook events arrive created, then updated.
    claimed.sort((a, b) => a.id - b.id);
    // Digest alerts of one rule and target travel together.
    const groups = new Map<string, ClaimedAction[]>();
    for (const a of claimed) {
      const key = a.digest && a.kind.startsWith("ALERT") ? `${a.rule_id}:${a.kind}` : `single:${a.id}`;
      groups.set(key, [...(groups.get(key) ?? []), a]);
    }
    for (const group of groups.values()) {
      const ids = group.map((a) => a.id);
      try {
        await perform(group, deps);
        await db.sql.query(
          `UPDATE answer_actions SET status = 'DONE', done_at = now(), last_error = NULL, payload = ${SENT_PAYLOAD}
           WHERE id = ANY($1::int[])`,
          [ids],
        );
        counts.done += ids.length;
      } catch (error) {
        const message = (error as Error).message.slice(0, 1000);
        if (error instanceof SkipAction) {
          if (group[0]!.kind === "DISCOUNT_CODE") await markDiscountCodeUnavailable(discountCodeId(group[0]!));
          await db.sql.query(
            `UPDATE answer_actions SET status = 'SKIPPED', done_at = now(), last_error = $2, payload = ${SENT_PAYLOAD}
             WHERE id = ANY($1::int[])`,
            [ids, message],
          );
          counts.skipped += ids.length;
          continue;
        }
        if (error instanceof RetryLater) {
          await db.sql.query(
            `UPDATE answer_actions SET last_error = $2, attempts = greatest(attempts - 1, 0),
               next_attempt_at = now() + make_interval(secs => $3)
             WHERE id = ANY($1::int[])`,
            [ids, message, error.seconds],
          );
          counts.retrying += ids.length;
          continue;
        }
        const attempts = group[0]!.attempts;
        const failed = attempts >= MAX_ATTEMPTS;
        await db.sql.query(
          `UPDATE answer_actions SET last_error = $2,
             status = CASE WHEN $3 THEN 'FAILED'::"ActionStatus" ELSE 'PENDING'::"ActionStatus" END,
             next_attempt_at = now() + make_interval(mins => $4)
           WHERE id = ANY($1::int[])`,
          [ids, message, failed, BACKOFF_MINUTES[Math.min(attempts, BACKOFF_MINUTES.length) - 1]!],
        );
        if (failed && group[0]!.kind === "DISCOUNT_CODE") await markDiscountCodeUnavailable(discountCodeId(group[0]!));
        if (failed) counts.failed += ids.length;
        else counts.retrying += ids.length;
      }
    }
  }
}

const discountCodeId = (action: ClaimedAction) => Number(action.key.slice("discount:".length));

async function perform(group: ClaimedAction[], deps: ActionDeps) {
  const first = group[0]!;
  switch (first.kind) {
    case "ALERT_EMAIL":
    case "ALERT_SLACK":
      return sendAlert(group, deps);
    case "CUSTOMER_TAGS":
      return syncCustomer(first, deps);
    case "FLOW_TRIGGER":
      return triggerFlow(first, deps);
    case "DISCOUNT_CODE": {
      const outcome = await createDiscountInShopify(discountCodeId(first), await requireAdmin(first.shop, deps), {
        wait: deps.wait,
      });
      if (outcome === "gone") throw new SkipAction("the code was deleted");
      return;
    }
    case "APOLOGY_EMAIL":
      return sendApologyEmail(first, deps);
    case "SHARE_EMAIL":
      return sendShareEmail(first, deps);
    case "KLAVIYO_EVENT":
      try {
        if ((await sendKlaviyoEvent(first.shop, first.response_id)) === "gone") {
          throw new SkipAction("Klaviyo is no longer connected, or the customer is a guest or erased");
        }
      } catch (error) {
        if (error instanceof KlaviyoError && error.retryAfter !== null) {
          throw new RetryLater(error.message, error.retryAfter);
        }
        throw error;
      }
      return;
    case "WEBHOOK":
      try {
        return await deliverWebhook(first.id);
      } catch (error) {
        if (error instanceof EndpointGoneError) throw new SkipAction(error.message);
        throw error;
      }
  }
}

/**
 * The share step mailed to a promoter, once their referral code is made (a code still being
 * made puts the email off a minute; one that cannot be made is left out of it).
 */
async function sendShareEmail(action: ClaimedAction, deps: ActionDeps) {
  const facts = await shareEmailFacts(action.response_id);
  if (!facts) throw new SkipAction("no address the survey was emailed to (erased, or never emailed)");
  if (facts.uninstalled) throw new SkipAction("the app is no longer installed in the shop");
  if (facts.suppressed) throw new SkipAction("the customer asked for no more emails from this shop");
  if (facts.category !== "PROMOTER") throw new SkipAction("the answer is no longer a promoter's");
  const settings = readSettings(facts.settings);
  if (!settings.advocacy.shareEmail) throw new SkipAction("the shop no longer emails the share step");
  const base = `https://${facts.shop}${DEFAULT_PROXY_PREFIX}`;
  const step = await loadShareStep({
    shop: facts.shop,
    invitationId: facts.invitationId,
    locale: facts.locale,
    linkBase: base,
    record: false,
  });
  if (step?.referral?.state === "pending") throw new RetryLater("the referral code is not made yet", 60);
  // A public site's review is never mailed: asking promoters only would be review gating.
  const share = step && {
    ...step,
    review: shareStepFor(facts.category, settings.advocacy).review === "product" ? step.review : null,
  };
  if (!share || (share.referral?.state !== "active" && !share.review)) {
    throw new SkipAction("nothing to share: the code could not be made and no product review is asked for");
  }
  const unsubscribeUrl = `${base}/unsubscribe/${signShareLink(facts.shop, action.response_id, "unsubscribe")}`;
  const email = renderShareEmail(share, { ...facts, unsubscribeUrl });
  await deps.mailer().send({
    from: { name: settings.senderName ?? facts.shopName, address: env().MAIL_FROM },
    to: facts.email,
    replyTo: settings.replyTo ?? facts.shopEmail ?? undefined,
    subject: email.subject,
    text: email.text,
    html: email.html,
    messageId: `<share-${action.response_id}@${facts.shop}>`,
    headers: {
      [SHOP_HEADER]: facts.shop,
      "List-Unsubscribe": `<${unsubscribeUrl}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  });
  await recordShareEvent(facts.shop, action.response_id, "SHOWN");
}

const isSuppressed = async (shop: string, email: string) =>
  (
    await openDatabase().sql.query("SELECT 1 FROM email_suppressions WHERE shop = $1 AND email = lower($2)", [
      shop,
      email,
    ])
  ).rows.length > 0;

/** The apology as the merchant sent it: its one-time code made in Shopify first, then the email. */
async function sendApologyEmail(action: ClaimedAction, deps: ActionDeps) {
  const payload = await apologyPayload(action.id);
  if (!payload) throw new SkipAction("the apology is no longer stored (the customer's data was erased)");
  if (await isSuppressed(action.shop, payload.to)) {
    if (payload.codeId !== null) await markDiscountCodeUnavailable(payload.codeId);
    throw new SkipAction("the customer asked for no more emails from this shop since the apology was written");
  }
  if (payload.codeId !== null) {
    const graphql = await deps.adminFor(action.shop);
    if (!graphql) {
      await markDiscountCodeUnavailable(payload.codeId);
      throw new SkipAction("no Admin API access for this shop to create the apology's code");
    }
    const outcome = await createDiscountInShopify(payload.codeId, graphql, { wait: deps.wait });
    if (outcome === "gone") throw new SkipAction("the customer was erased: no code, no email");
  }
  await mailApology(deps.mailer(), action.shop, payload);
}

async function loadAlertAnswers(responseIds: number[]): Promise<AlertAnswer[]> {
  const { rows } = await openDatabase().sql.query<AlertAnswer>(
    `SELECT r.id AS "responseId", r.score, r.comment, CASE r.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END AS stage,
            o.name AS "orderName", NULLIF(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS "customerName",
            c.email AS "customerEmail", c.segment::text AS segment, r.vendors, fc.id AS "caseId",
            to_char(r.answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "answeredAt"
     FROM responses r JOIN orders o ON o.id = r.order_id LEFT JOIN customers c ON c.id = r.customer_id
     LEFT JOIN follow_up_cases fc ON fc.response_id = r.id
     WHERE r.id = ANY($1::int[]) ORDER BY r.score, r.answered_at`,
    [responseIds],
  );
  return rows;
}

async function sendAlert(group: ClaimedAction[], deps: ActionDeps) {
  const first = group[0]!;
  const db = openDatabase();
  const rule = (
    await db.sql.query<{ name: string; emails: string[]; slack_webhook_url: string | null; shop_name: string | null }>(
      `SELECT ar.name, ar.emails, ar.slack_webhook_url, s.name AS shop_name
       FROM alert_rules ar JOIN shops s ON s.domain = ar.shop WHERE ar.id = $1`,
      [first.rule_id],
    )
  ).rows[0];
  if (!rule) throw new SkipAction("the alert rule was deleted");
  const context = { shopName: rule.shop_name ?? first.shop, ruleName: rule.name, appUrl: deps.appUrl };
  let message: RenderedAlert;
  if (first.key.startsWith("spike:")) {
    const spike = await loadSpikeAlert(first.shop, first.key);
    if (!spike) throw new SkipAction("the spike is no longer recorded");
    message = renderSpikeAlert(spike, context);
  } else {
    const answers = await loadAlertAnswers(group.map((a) => a.response_id));
    message = first.digest ? renderDigest(answers, context) : renderAlert(answers[0]!, context);
  }
  if (first.kind === "ALERT_EMAIL") {
    if (rule.emails.length === 0) throw new SkipAction("the rule has no email recipients any more");
    await deps.mailer().send({
      to: rule.emails,
      subject: message.subject,
      text: message.text,
      html: message.html,
      headers: { [SHOP_HEADER]: first.shop },
    });
    return;
  }
  if (!rule.slack_webhook_url) throw new SkipAction("the rule has no Slack webhook any more");
  const target = decryptSecret(rule.slack_webhook_url);
  const refusal = slackUrlRefusal(target);
  if (refusal) throw new Error(`The Slack webhook was refused: ${refusal}`);
  let status: number;
  try {
    ({ status } = await postJson(target, { text: message.slack }));
  } catch (error) {
    // Never the address or what a server said: only why the app did not deliver.
    throw new Error(
      error instanceof OutboundRefusedError
        ? `The Slack webhook was refused: ${error.message}`
        : `Slack could not be reached (${(error as NodeJS.ErrnoException).code ?? "network error"})`,
    );
  }
  if (status < 200 || status >= 300) throw new Error(`Slack answered ${status}`);
}

const CUSTOMER_TAGS_ADD = `#graphql
  mutation NpsTagsAdd($id: ID!, $tags: [String!]!) {
    tagsAdd(id: $id, tags: $tags) {
      userErrors {
        field
        message
      }
    }
  }`;

const CUSTOMER_TAGS_REMOVE = `#graphql
  mutation NpsTagsRemove($id: ID!, $tags: [String!]!) {
    tagsRemove(id: $id, tags: $tags) {
      userErrors {
        field
        message
      }
    }
  }`;

const CUSTOMER_METAFIELD_SET = `#graphql
  mutation NpsLastAnswer($metafields: [MetafieldsSetInput!]!) {
    metafieldsSet(metafields: $metafields) {
      metafields {
        id
      }
      userErrors {
        field
        message
      }
    }
  }`;

const FLOW_TRIGGER_RECEIVE = `#graphql
  mutation NpsFlowTrigger($handle: String!, $payload: JSON!) {
    flowTriggerReceive(handle: $handle, payload: $payload) {
      userErrors {
        field
        message
      }
    }
  }`;

type UserErrors = { userErrors: Array<{ field?: string[] | null; message: string }> };
function check(result: UserErrors, what: string) {
  if (result.userErrors.length > 0) {
    throw new Error(`${what}: ${result.userErrors.map((e) => e.message).join("; ")}`);
  }
}

async function requireAdmin(shop: string, deps: ActionDeps) {
  const graphql = await deps.adminFor(shop);
  if (!graphql) throw new SkipAction("no Admin API access for this shop (demo shop, or the app is not installed)");
  return graphql;
}

/**
 * Tags the customer with their latest answer's category (the other two tags removed) and
 * stores that answer's score and date in the customer metafield $app:nps.last_answer. The
 * latest answer is read when the action runs, so a late retry never brings back an older one.
 */
async function syncCustomer(action: ClaimedAction, deps: ActionDeps) {
  const latest = (
    await openDatabase().sql.query<{
      customer_gid: string;
      score: number;
      category: keyof typeof NPS_TAGS;
      stage: string;
      answered_at: string;
    }>(
      `SELECT 'gid://shopify/Customer/' || c.shopify_id AS customer_gid, l.score, l.category::text AS category,
              lower(l.stage::text) AS stage, to_char(l.answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS answered_at
       FROM responses r JOIN customers c ON c.id = r.customer_id
       CROSS JOIN LATERAL (SELECT * FROM responses x WHERE x.shop = r.shop AND x.customer_id = r.customer_id
                           ORDER BY x.answered_at DESC, x.id DESC LIMIT 1) l
       WHERE r.id = $1 AND c.redacted_at IS NULL`,
      [action.response_id],
    )
  ).rows[0];
  if (!latest) throw new SkipAction("no customer to tag (a guest, or redacted)");
  const graphql = await requireAdmin(action.shop, deps);
  const options = { wait: deps.wait };
  const keep = NPS_TAGS[latest.category];
  const drop = Object.values(NPS_TAGS).filter((t) => t !== keep);
  check(
    (
      await adminQueryThrottled<{ tagsRemove: UserErrors }>(
        graphql,
        CUSTOMER_TAGS_REMOVE,
        { id: latest.customer_gid, tags: drop },
        options,
      )
    ).tagsRemove,
    "tagsRemove",
  );
  check(
    (
      await adminQueryThrottled<{ tagsAdd: UserErrors }>(
        graphql,
        CUSTOMER_TAGS_ADD,
        { id: latest.customer_gid, tags: [keep] },
        options,
      )
    ).tagsAdd,
    "tagsAdd",
  );
  const value = JSON.stringify({
    score: latest.score,
    category: latest.category.toLowerCase(),
    stage: latest.stage,
    answeredAt: latest.answered_at,
  });
  check(
    (
      await adminQueryThrottled<{ metafieldsSet: UserErrors }>(
        graphql,
        CUSTOMER_METAFIELD_SET,
        { metafields: [{ ownerId: latest.customer_gid, ...METAFIELD, type: "json", value }] },
        options,
      )
    ).metafieldsSet,
    "metafieldsSet",
  );
}

/** The payload of the Flow trigger "NPS answer received", as its extension declares it. */
export async function flowPayload(responseId: number) {
  const row = (
    await openDatabase().sql.query<{
      customer_id: string | null;
      order_id: string;
      score: number;
      category: string;
      stage: string;
      segment: string | null;
    }>(
      `SELECT c.shopify_id::text AS customer_id, o.shopify_id::text AS order_id, r.score, lower(r.category::text) AS category,
              CASE r.stage WHEN 'PRE_DELIVERY' THEN 'before delivery' ELSE 'after delivery' END AS stage,
              lower(c.segment::text) AS segment
       FROM responses r JOIN orders o ON o.id = r.order_id LEFT JOIN customers c ON c.id = r.customer_id
       WHERE r.id = $1`,
      [responseId],
    )
  ).rows[0];
  if (!row) return null;
  // Flow's reference fields take the resources' numeric ids as JSON numbers, which are exact
  // up to 2^53; Shopify's ids are far below that, and a larger one is refused, never rounded.
  for (const id of [row.customer_id, row.order_id]) {
    if (id !== null && !Number.isSafeInteger(Number(id))) throw new SkipAction(`id ${id} does not fit a JSON number`);
  }
  return {
    customer_id: row.customer_id === null ? null : Number(row.customer_id),
    order_id: Number(row.order_id),
    score: row.score,
    category: row.category,
    stage: row.stage,
    segment: row.segment ?? "none",
  };
}

async function triggerFlow(action: ClaimedAction, deps: ActionDeps) {
  const payload = await flowPayload(action.response_id);
  if (!payload) throw new SkipAction("the answer was deleted");
  if (payload.customer_id === null) throw new SkipAction("a guest's answer: the trigger needs a customer");
  const graphql = await requireAdmin(action.shop, deps);
  const result = await adminQueryThrottled<{ flowTriggerReceive: UserErrors }>(
    graphql,
    FLOW_TRIGGER_RECEIVE,
    { handle: FLOW_TRIGGER_HANDLE, payload },
    { wait: deps.wait },
  );
  check(result.flowTriggerReceive, "flowTriggerReceive");
}

/** Actions that failed for good, newest first, for the admin to see and retry. */
export async function listFailedActions(shop: string, limit = 50) {
  const { rows } = await openDatabase().sql.query<{
    id: number;
    kind: string;
    ruleName: string | null;
    orderName: string;
    score: number;
    attempts: number;
    lastError: string | null;
    createdAt: string;
  }>(
    `SELECT a.id, a.kind::text AS kind, ar.name AS "ruleName", o.name AS "orderName", r.score, a.attempts,
            a.last_error AS "lastError", to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"
     FROM answer_actions a JOIN responses r ON r.id = a.response_id JOIN orders o ON o.id = r.order_id
     LEFT JOIN alert_rules ar ON ar.id = a.rule_id
     WHERE a.shop = $1 AND a.status = 'FAILED' ORDER BY a.created_at DESC LIMIT $2`,
    [shop, limit],
  );
  return rows;
}

/** Puts failed actions back in line, as new. */
export async function retryFailedActions(shop: string, ids?: number[]) {
  const { rows } = await openDatabase().sql.query<{ n: number }>(
    `WITH retried AS (
       UPDATE answer_actions SET status = 'PENDING', attempts = 0, next_attempt_at = now(), last_error = NULL
       WHERE shop = $1 AND status = 'FAILED' AND ($2::int[] IS NULL OR id = ANY($2::int[])) RETURNING 1)
     SELECT count(*)::int AS n FROM retried`,
    [shop, ids ?? null],
  );
  return rows[0]!.n;
}

export async function countActions(shop: string) {
  const { rows } = await openDatabase().sql.query<{ status: string; n: number }>(
    "SELECT status::text AS status, count(*)::int AS n FROM answer_actions WHERE shop = $1 GROUP BY 1",
    [shop],
  );
  return Object.fromEntries(rows.map((r) => [r.status.toLowerCase(), r.n])) as Record<string, number>;
}
