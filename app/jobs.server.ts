import pg from "pg";
import PgBoss from "pg-boss";
import { openDatabase } from "./db.server";
import { env } from "./env.server";
import prisma from "./db.server";
import { logger } from "./logger.server";
import { durationToMs } from "./domain/duration";
import { purgeDownloadedDataRequests } from "./models/compliance.server";
import { refreshCustomerWorth } from "./models/customer-worth.server";
import { computeRfm } from "./models/rfm.server";
import { pruneRollups } from "./models/analytics.server";
import { syncThemeFacts } from "./models/themes.server";
import { clearOldWebhookBodies } from "./models/webhook-inbox.server";
import { refreshCaseOutcomes } from "./models/cases.server";
import { refreshAllShopBrands } from "./models/brand.server";
import type { DueSend } from "./models/order-ingest.server";
import {
  dispatchDueInvitations,
  closeOutrunSurveys,
  expireInvitations,
  recoverStuckSends,
  sendInvitation,
} from "./models/invitation-sender.server";

const SEND = "send-invitation";
const SWEEP = "sweep-invitations";
const RFM = "recompute-rfm";
const OUTCOMES = "case-outcomes";
const RETENTION = "retention";
const BRANDS = "shop-brands";

// One queue per process, shared like the database between the server and the Remix build.
const KEY = Symbol.for("nps.jobs");
type Holder = { [KEY]?: PgBoss };

function createBoss(): PgBoss {
  const db = openDatabase();
  if (db.kind === "postgres") return new PgBoss({ connectionString: env().DATABASE_URL!, max: 4 });
  // PGlite: pg-boss sends multi-statement scripts without parameters (exec) and single
  // parameterised statements (query).
  return new PgBoss({
    db: {
      executeSql: (text: string, values?: unknown[]) =>
        values && values.length > 0 ? db.sql.query(text, values) : db.sql.exec(text),
    },
  });
}

/**
 * Runs `work` while holding a PostgreSQL advisory lock that every process starting its job
 * queue takes: pg-boss creates a queue (a table partition and a row) in a way that two
 * processes starting at once deadlock on ("deadlock detected" in one of two workers started
 * together). The embedded database has one process and needs no lock.
 */
async function oneStarterAtATime(work: () => Promise<void>): Promise<void> {
  if (openDatabase().kind !== "postgres") return work();
  const client = new pg.Client({ connectionString: env().DATABASE_URL! });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('nps:job-queue-start'))");
    await work();
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Background work on the database: each due invitation is sent by a job queued for its send
 * time (retried with backoff), and every minute a sweep sends anything due that has no job,
 * closes expired invitations and settles interrupted sends.
 */
export async function startJobs(): Promise<() => Promise<void>> {
  const holder = globalThis as Holder;
  if (holder[KEY]) return async () => {};
  const boss = createBoss();
  boss.on("error", (error) => logger.error({ err: error }, "job queue error"));
  await boss.start();
  await oneStarterAtATime(async () => {
    for (const queue of [SEND, SWEEP, RFM, OUTCOMES, RETENTION, BRANDS]) await boss.createQueue(queue);
    await boss.schedule(SWEEP, "* * * * *");
    // Each day's new orders move customers between segments: rescore every installed shop
    // shortly after midnight UTC (the as-of date is the new day).
    await boss.schedule(RFM, "15 0 * * *");
    // Follow-up outcomes (later orders, answers, segments of customers whose case was
    // resolved) change slowly: every 15 minutes is fresh enough and keeps the work small.
    await boss.schedule(OUTCOMES, "*/15 * * * *");
    // Personal data kept only as long as it is needed (docs/security.md): daily.
    await boss.schedule(RETENTION, "30 0 * * *");
    // A brand changed in Shopify reaches the surveys within a day.
    await boss.schedule(BRANDS, "45 0 * * *");
  });
  await boss.work<{ invitationId: number }>(SEND, { pollingIntervalSeconds: 1 }, async (jobs) => {
    for (const job of jobs) {
      if ((await sendInvitation(job.data.invitationId)) === "failed") {
        throw new Error(`invitation ${job.data.invitationId} was not sent`);
      }
    }
  });
  await boss.work(SWEEP, async () => {
    await sweepInvitations();
  });
  await boss.work(RFM, async () => {
    await recomputeAllShops();
  });
  await boss.work(OUTCOMES, async () => {
    const updated = await refreshCaseOutcomes();
    if (updated > 0) logger.info({ updated }, "case outcomes refreshed");
  });
  await boss.send(OUTCOMES, {});
  await boss.work(RETENTION, async () => {
    await applyRetention();
  });
  // Once at start too, so that an app stopped for a while catches up.
  await boss.send(RETENTION, {});
  await boss.work(BRANDS, async () => {
    await refreshAllShopBrands();
  });
  holder[KEY] = boss;
  await sweepInvitations();
  return async () => {
    delete holder[KEY];
    await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
  };
}

export async function sweepInvitations() {
  const now = new Date();
  const recovered = await recoverStuckSends(now);
  const expired = await expireInvitations(now);
  const outrun = await closeOutrunSurveys(now);
  const sent = await dispatchDueInvitations({ now });
  if (recovered + expired + outrun + sent.sent + sent.failed > 0) {
    logger.info({ recovered, expired, outrun, ...sent }, "invitation sweep");
  }
}

export async function recomputeAllShops(asOf: string = new Date().toISOString().slice(0, 10)) {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null }, select: { domain: true } });
  const failed = await recomputeShops(
    shops.map((s) => s.domain),
    asOf,
  );
  // The job fails, and is retried, once every other shop is done.
  if (failed.length > 0) throw new Error(`RFM failed for ${failed.join(", ")}`);
}

/**
 * The daily RFM run and what follows it, shop after shop. A shop whose run fails (a deadlock,
 * an amount the database refuses) is logged, keeping the customers it had written (the next
 * run writes the rest); the shops after it still run.
 * Returns the shops that failed.
 */
export async function recomputeShops(domains: string[], asOf: string): Promise<string[]> {
  const failed: string[] = [];
  for (const domain of domains) {
    try {
      const result = await computeRfm(domain, asOf);
      const themeFactsSet = await syncThemeFacts(domain);
      const pruned = await pruneRollups(domain);
      logger.info({ shop: domain, asOf, ...result, themeFactsSet, pruned }, "RFM recomputed");
      const worth = await refreshCustomerWorth(domain);
      logger.info({ shop: domain, ...worth }, "customer value refreshed");
    } catch (error) {
      failed.push(domain);
      logger.error({ shop: domain, asOf, err: (error as Error).message }, "RFM failed for a shop");
    }
  }
  return failed;
}

/** Clears processed webhook bodies past WEBHOOK_BODY_RETENTION and data requests downloaded 30 days ago. */
export async function applyRetention(now = new Date()) {
  const webhookBodies = await clearOldWebhookBodies(durationToMs(env().WEBHOOK_BODY_RETENTION), now);
  const dataRequests = await purgeDownloadedDataRequests(now);
  if (webhookBodies + dataRequests > 0) logger.info({ webhookBodies, dataRequests }, "retention applied");
  return { webhookBodies, dataRequests };
}

/** Queues the email of each invitation for its send time; without a running queue the sweep will send it. */
export async function queueInvitationSends(sends: DueSend[]): Promise<void> {
  const boss = (globalThis as Holder)[KEY];
  if (!boss || sends.length === 0) return;
  // One statement for many sends (a flash sale applies hundreds of orders at once); the
  // singleton key still keeps one job per invitation and send time.
  for (let i = 0; i < sends.length; i += 500) {
    await boss.insert(
      sends.slice(i, i + 500).map((s) => ({
        name: SEND,
        data: { invitationId: s.invitationId },
        startAfter: s.sendAt.toISOString(),
        singletonKey: `${s.invitationId}:${s.sendAt.getTime()}`,
        retryLimit: 4,
        retryDelay: 30,
        retryBackoff: true,
      })),
    );
  }
}
