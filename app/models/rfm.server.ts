import { randomUUID } from "node:crypto";
import prisma from "../db.server";
import { segmentTable } from "../domain/rfm";

export interface RfmRow {
  customer_id: string;
  recency_days: number;
  frequency: number;
  monetary: string;
  r: number;
  f: number;
  m: number;
  segment: string;
}

// The (R, F, M) -> segment mapping as SQL rows, from the one definition in app/domain/rfm.ts.
const SEGMENT_VALUES = segmentTable()
  .map((t) => `(${t.r}, ${t.f}, ${t.m}, '${t.segment}'::"RfmSegment")`)
  .join(", ");

/** A run of the shop started after this one and took over the changes not yet applied. */
export class RfmSupersededError extends Error {
  constructor(shop: string, asOf: string) {
    super(`The RFM run of ${shop} as of ${asOf} stopped half-way: a later run of the shop took over.`);
    this.name = "RfmSupersededError";
  }
}

/** Customers written per transaction by an RFM run (see computeRfm). */
const RFM_BATCH = 5000;

/**
 * Scores every customer of the shop as of a date (UTC), set-based. Scores are ⌈5 × share⌉
 * over the shop's customers (docs/rfm-segments.md), in integers: equal values share a score.
 * Customers with no counted order become Prospects. Only customers whose figures, scores or
 * segment change are written (recency is not stored: it follows from last_order_at and the
 * date asked for), and each change of scores or segment is kept as a dated snapshot, so that
 * a daily run over a large shop writes what moved rather than every customer (and the
 * triggers that keep the dashboards' segment rollups move only their answers).
 *
 * The changes are worked out in one statement and written to `rfm_run_changes`, then applied
 * `batch` customers per transaction: moving most of a large shop takes tens of seconds, and in
 * one transaction it held the rollup rows every new answer of the shop counts into, so answers
 * (which wait 5 s) failed and webhooks stalled behind it. In between, the dashboards show some
 * customers moved and others not yet. A run that fails half-way keeps the batches it applied
 * and leaves the rest to the next run, which works out its changes afresh; one that a later
 * run of the shop takes over throws RfmSupersededError. Returns how many customers were
 * scored, became Prospects, and changed.
 */
export async function computeRfm(
  shop: string,
  asOf: string,
  { batch = RFM_BATCH }: { batch?: number } = {},
): Promise<{ scored: number; prospects: number; changed: number }> {
  const runId = randomUUID();
  const startedAt = new Date();
  const { scored, staged } = await prisma.$transaction(
    async (tx) => {
      // Sorts and the per-customer aggregate of a large shop spill to disk at the default
      // work_mem; JIT compilation costs more than it saves on these statements.
      await tx.$executeRawUnsafe("SET LOCAL work_mem = '64MB'");
      await tx.$executeRawUnsafe("SET LOCAL jit = off");
      // One run of a shop works out its changes at a time; what an earlier run left unapplied
      // (it stopped, or is still applying: it finds its rows gone and ends) is worked out again.
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtext('rfm'), hashtext($1))", shop);
      await tx.$executeRaw`DELETE FROM rfm_run_changes WHERE shop = ${shop}`;
      const [counts] = await tx.$queryRawUnsafe<{ scored: number; staged: number }[]>(
        `WITH base AS (
         SELECT o.customer_id,
                ($2::date - max((o.order_created_at AT TIME ZONE 'UTC')::date)) AS recency_days,
                count(*)::int AS frequency,
                sum(o.current_total) AS monetary,
                min(o.order_created_at) AS first_order_at,
                max(o.order_created_at) AS last_order_at
         FROM orders o
         WHERE o.shop = $1 AND o.customer_id IS NOT NULL AND o.cancelled_at IS NULL AND NOT o.test
           AND (o.order_created_at AT TIME ZONE 'UTC')::date <= $2::date
         GROUP BY o.customer_id
       ),
       -- cume_dist in whole numbers: customers whose value is no better than this one's (the
       -- default window frame includes equal values), so ⌈5 × k / n⌉ is exact and ties share it.
       counted AS (
         SELECT base.*, count(*) OVER () AS n,
                count(*) OVER (ORDER BY recency_days DESC) AS k_r,
                count(*) OVER (ORDER BY frequency) AS k_f,
                count(*) OVER (ORDER BY monetary) AS k_m
         FROM base
       ),
       scored AS (
         SELECT counted.*,
                ((5 * k_r + n - 1) / n)::int AS r,
                ((5 * k_f + n - 1) / n)::int AS f,
                ((5 * k_m + n - 1) / n)::int AS m
         FROM counted
       ),
       segmented AS (
         SELECT scored.*, map.segment
         FROM scored JOIN (VALUES ${SEGMENT_VALUES}) AS map(r, f, m, segment) USING (r, f, m)
       ),
       changed AS (
         SELECT c.id AS customer_id, false AS prospect, s.frequency, s.monetary, s.r, s.f, s.m, s.segment,
                s.first_order_at, s.last_order_at
         FROM segmented s JOIN customers c ON c.id = s.customer_id
         WHERE (c.frequency, c.monetary, c.r_score, c.f_score, c.m_score, c.segment, c.orders_count, c.total_spent,
                c.first_order_at, c.last_order_at)
               IS DISTINCT FROM (s.frequency, s.monetary, s.r, s.f, s.m, s.segment, s.frequency, s.monetary,
                                 s.first_order_at, s.last_order_at)
         UNION ALL
         SELECT c.id, true, 0, 0, NULL, NULL, NULL, 'PROSPECTS', NULL, NULL
         FROM customers c
         WHERE c.shop = $1 AND c.segment IS DISTINCT FROM 'PROSPECTS' AND NOT EXISTS (
           -- The shop too: orders are indexed by (shop, customer_id), and without it each customer
           -- scanned the whole index (8 s for 20,000 customers on the embedded database).
           SELECT 1 FROM orders o
           WHERE o.shop = $1 AND o.customer_id = c.id AND o.cancelled_at IS NULL AND NOT o.test
             AND (o.order_created_at AT TIME ZONE 'UTC')::date <= $2::date)
       ),
       -- Applied in the order of the customers' latest answers, so that each batch moves the
       -- answers of a few weeks and rewrites few rollup rows; in customer order every batch
       -- rewrote most of the monthly ones again (the whole run took 57-62 s instead of 42-44 s).
       staged AS (
         INSERT INTO rfm_run_changes (shop, seq, customer_id, run_id, prospect, frequency, monetary, r_score,
                                      f_score, m_score, segment, first_order_at, last_order_at)
         SELECT $1, row_number() OVER (ORDER BY a.day NULLS FIRST, ch.customer_id), ch.customer_id, $3::uuid,
                ch.prospect, ch.frequency, ch.monetary, ch.r, ch.f, ch.m, ch.segment, ch.first_order_at,
                ch.last_order_at
         FROM changed ch
         LEFT JOIN (SELECT customer_id, max(answered_day) AS day FROM responses
                    WHERE shop = $1 AND customer_id IS NOT NULL GROUP BY 1) a USING (customer_id)
         RETURNING 1
       )
       SELECT (SELECT count(*)::int FROM segmented) AS scored, (SELECT count(*)::int FROM staged) AS staged`,
        shop,
        asOf,
        runId,
      );
      return counts!;
      // A shop with hundreds of thousands of customers takes longer than Prisma's 5 s default.
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );

  let prospects = 0;
  let changed = 0;
  let failure: unknown;
  try {
    for (let done = 0; done < staged; done += batch) {
      // One statement, so one short transaction of its own.
      const [written] = await prisma.$queryRaw<Array<{ taken: number; changed: number; prospects: number }>>`
        WITH batch AS (
          DELETE FROM rfm_run_changes ch
          WHERE ch.shop = ${shop} AND ch.seq > ${done} AND ch.seq <= ${done + batch} AND ch.run_id = ${runId}::uuid
          RETURNING ch.*
        ),
        target AS (
          -- A Prospect keeps the order figures it had; only its scores go.
          SELECT b.customer_id, b.prospect, b.frequency, b.monetary, b.r_score, b.f_score, b.m_score, b.segment,
                 CASE WHEN b.prospect THEN c.orders_count ELSE b.frequency END AS orders_count,
                 CASE WHEN b.prospect THEN c.total_spent ELSE b.monetary END AS total_spent,
                 CASE WHEN b.prospect THEN c.first_order_at ELSE b.first_order_at END AS first_order_at,
                 CASE WHEN b.prospect THEN c.last_order_at ELSE b.last_order_at END AS last_order_at
          FROM batch b JOIN customers c ON c.id = b.customer_id
        ),
        updated AS (
          UPDATE customers c
          SET frequency = t.frequency, monetary = t.monetary, r_score = t.r_score, f_score = t.f_score,
              m_score = t.m_score, segment = t.segment, orders_count = t.orders_count, total_spent = t.total_spent,
              first_order_at = t.first_order_at, last_order_at = t.last_order_at, rfm_computed_at = now()
          FROM target t
          WHERE c.id = t.customer_id
            AND (c.frequency, c.monetary, c.r_score, c.f_score, c.m_score, c.segment, c.orders_count, c.total_spent,
                 c.first_order_at, c.last_order_at)
                IS DISTINCT FROM (t.frequency, t.monetary, t.r_score, t.f_score, t.m_score, t.segment, t.orders_count,
                                  t.total_spent, t.first_order_at, t.last_order_at)
          RETURNING c.id, c.shop, t.prospect, t.r_score AS r, t.f_score AS f, t.m_score AS m, t.segment
        ),
        snapshots AS (
          INSERT INTO customer_segment_snapshots (shop, customer_id, as_of, r_score, f_score, m_score, segment)
          SELECT u.shop, u.id, ${asOf}::date, u.r, u.f, u.m, u.segment FROM updated u
          -- A change of figures only (an order that moved no score) leaves the latest snapshot as it is.
          WHERE NOT u.prospect AND NOT EXISTS (
            SELECT 1 FROM (SELECT p.r_score, p.f_score, p.m_score, p.segment FROM customer_segment_snapshots p
                           WHERE p.customer_id = u.id AND p.as_of <= ${asOf}::date ORDER BY p.as_of DESC LIMIT 1) latest
            WHERE (latest.r_score, latest.f_score, latest.m_score, latest.segment) = (u.r, u.f, u.m, u.segment))
          ON CONFLICT (customer_id, as_of) DO UPDATE SET
            r_score = EXCLUDED.r_score, f_score = EXCLUDED.f_score, m_score = EXCLUDED.m_score, segment = EXCLUDED.segment
          RETURNING 1
        ),
        -- A shop connected to Klaviyo has its changed customers' profiles updated (rfm_segment).
        klaviyo AS (
          INSERT INTO klaviyo_profile_syncs (customer_id, shop)
          SELECT u.id, u.shop FROM updated u WHERE EXISTS (SELECT 1 FROM klaviyo_connections k WHERE k.shop = u.shop)
          ON CONFLICT (customer_id) DO NOTHING
        )
        SELECT (SELECT count(*)::int FROM batch) AS taken, (SELECT count(*)::int FROM updated) AS changed,
               (SELECT count(*)::int FROM updated WHERE prospect) AS prospects`;
      changed += written!.changed;
      prospects += written!.prospects;
      // A later run of the shop took over and applies what it worked out: this one's figures
      // would describe a mix of both, so it says so instead of returning them.
      if (written!.taken === 0) throw new RfmSupersededError(shop, asOf);
      // The embedded database runs on this thread: without a turn of the event loop, requests
      // that arrived meanwhile would wait until the last batch.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    failure = error;
  }

  // An answer written while its customer moved, before the move was committed, copied the
  // segment it had; this run (even one that stopped half-way, whose moves stay) or the next
  // day's gives it the one its customer has now.
  try {
    await prisma.$executeRaw`
      UPDATE responses r SET segment = c.segment, m_score = c.m_score
      FROM customers c
      WHERE r.shop = ${shop} AND r.answered_at >= ${new Date(startedAt.getTime() - 86_400_000)}
        AND c.id = r.customer_id AND (r.segment, r.m_score) IS DISTINCT FROM (c.segment, c.m_score)`;
  } catch (error) {
    failure ??= error;
  }
  if (failure !== undefined) throw failure;
  // Many customers (and so their answers) moved between segments: the planner's figures
  // for segments are out of date until autovacuum, which may be late or off, catches up.
  if (changed >= 1000 && changed * 10 >= scored) await prisma.$executeRawUnsafe("ANALYZE customers, responses");
  return { scored, prospects, changed };
}

/**
 * The scores of the latest run, one row per scored customer, by Shopify customer id, with
 * recency in days as of the date given (the run's).
 */
export async function listRfm(shop: string, asOf: string): Promise<RfmRow[]> {
  return prisma.$queryRaw<RfmRow[]>`
    SELECT c.shopify_id::text AS customer_id,
           (${asOf}::date - (c.last_order_at AT TIME ZONE 'UTC')::date) AS recency_days,
           c.frequency, c.monetary::text AS monetary,
           c.r_score AS r, c.f_score AS f, c.m_score AS m, c.segment::text AS segment
    FROM customers c
    WHERE c.shop = ${shop} AND c.r_score IS NOT NULL
    ORDER BY c.shopify_id`;
}
