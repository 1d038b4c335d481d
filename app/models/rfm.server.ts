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

/**
 * Scores every customer of the shop as of a date (UTC), set-based. Scores are ⌈5 × share⌉
 * over the shop's customers (docs/rfm-segments.md), in integers: equal values share a score.
 * Customers with no counted order become Prospects. Only customers whose figures, scores or
 * segment change are written (recency is not stored: it follows from last_order_at and the
 * date asked for), and each change of scores or segment is kept as a dated snapshot, so that
 * a daily run over a large shop writes what moved rather than every customer (and the
 * triggers that keep the dashboards' segment rollups move only their answers). Returns how
 * many customers were scored, became Prospects, and changed.
 */
export async function computeRfm(
  shop: string,
  asOf: string,
): Promise<{ scored: number; prospects: number; changed: number }> {
  return prisma.$transaction(
    async (tx) => {
      // Sorts and the per-customer aggregate of a large shop spill to disk at the default
      // work_mem; JIT compilation costs more than it saves on these statements.
      await tx.$executeRawUnsafe("SET LOCAL work_mem = '64MB'");
      await tx.$executeRawUnsafe("SET LOCAL jit = off");
      const [counts] = await tx.$queryRawUnsafe<{ scored: number; changed: number }[]>(
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
       updated AS (
         UPDATE customers c
         SET frequency = s.frequency, monetary = s.monetary,
             r_score = s.r, f_score = s.f, m_score = s.m, segment = s.segment,
             orders_count = s.frequency, total_spent = s.monetary,
             first_order_at = s.first_order_at, last_order_at = s.last_order_at, rfm_computed_at = now()
         FROM segmented s
         WHERE c.id = s.customer_id
           AND (c.frequency, c.monetary, c.r_score, c.f_score, c.m_score, c.segment, c.orders_count, c.total_spent,
                c.first_order_at, c.last_order_at)
               IS DISTINCT FROM (s.frequency, s.monetary, s.r, s.f, s.m, s.segment, s.frequency, s.monetary,
                                 s.first_order_at, s.last_order_at)
         RETURNING c.id, c.shop, s.r, s.f, s.m, s.segment
       ),
       snapshots AS (
         INSERT INTO customer_segment_snapshots (shop, customer_id, as_of, r_score, f_score, m_score, segment)
         SELECT u.shop, u.id, $2::date, u.r, u.f, u.m, u.segment FROM updated u
         -- A change of figures only (an order that moved no score) leaves the latest snapshot as it is.
         WHERE NOT EXISTS (
           SELECT 1 FROM (SELECT p.r_score, p.f_score, p.m_score, p.segment FROM customer_segment_snapshots p
                          WHERE p.customer_id = u.id AND p.as_of <= $2::date ORDER BY p.as_of DESC LIMIT 1) latest
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
       SELECT (SELECT count(*)::int FROM segmented) AS scored, (SELECT count(*)::int FROM updated) AS changed`,
        shop,
        asOf,
      );
      const movedRows = await tx.$queryRaw<Array<{ n: number }>>`
      WITH moved AS (
        UPDATE customers c
        SET frequency = 0, monetary = 0, r_score = NULL, f_score = NULL, m_score = NULL,
            segment = 'PROSPECTS', rfm_computed_at = now()
        WHERE c.shop = ${shop} AND c.segment IS DISTINCT FROM 'PROSPECTS' AND NOT EXISTS (
          -- The shop too: orders are indexed by (shop, customer_id), and without it each customer
          -- scanned the whole index (8 s for 20,000 customers on the embedded database).
          SELECT 1 FROM orders o
          WHERE o.shop = ${shop} AND o.customer_id = c.id AND o.cancelled_at IS NULL AND NOT o.test
            AND (o.order_created_at AT TIME ZONE 'UTC')::date <= ${asOf}::date)
        RETURNING c.id, c.shop),
      klaviyo AS (
        INSERT INTO klaviyo_profile_syncs (customer_id, shop)
        SELECT m.id, m.shop FROM moved m WHERE EXISTS (SELECT 1 FROM klaviyo_connections k WHERE k.shop = m.shop)
        ON CONFLICT (customer_id) DO NOTHING)
      SELECT count(*)::int AS n FROM moved`;
      const prospects = movedRows[0]!.n;
      const changed = counts!.changed + prospects;
      // Many customers (and so their answers) moved between segments: the planner's figures
      // for segments are out of date until autovacuum, which may be late or off, catches up.
      if (changed >= 1000 && changed * 10 >= counts!.scored) await tx.$executeRawUnsafe("ANALYZE customers, responses");
      return { scored: counts!.scored, prospects, changed };
      // A shop with hundreds of thousands of customers takes longer than Prisma's 5 s default.
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
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
