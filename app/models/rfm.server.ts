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
 * Scores every customer of the shop as of a date (UTC) in one statement, and keeps a dated
 * snapshot of each customer's segment. Scores are ⌈5 × share⌉ over the shop's customers
 * (docs/rfm-segments.md), in integers: equal values share a score. Customers with no counted
 * order become Prospects. Returns how many customers were scored.
 */
export async function computeRfm(shop: string, asOf: string): Promise<{ scored: number; prospects: number }> {
  return prisma.$transaction(
    async (tx) => {
      const scored = await tx.$executeRawUnsafe(
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
         SET recency_days = s.recency_days, frequency = s.frequency, monetary = s.monetary,
             r_score = s.r, f_score = s.f, m_score = s.m, segment = s.segment,
             orders_count = s.frequency, total_spent = s.monetary,
             first_order_at = s.first_order_at, last_order_at = s.last_order_at, rfm_computed_at = now()
         FROM segmented s
         WHERE c.id = s.customer_id
         RETURNING c.id, c.shop, s.r, s.f, s.m, s.segment
       )
       INSERT INTO customer_segment_snapshots (shop, customer_id, as_of, r_score, f_score, m_score, segment)
       SELECT shop, id, $2::date, r, f, m, segment FROM updated
       ON CONFLICT (customer_id, as_of) DO UPDATE SET
         r_score = EXCLUDED.r_score, f_score = EXCLUDED.f_score, m_score = EXCLUDED.m_score, segment = EXCLUDED.segment`,
        shop,
        asOf,
      );
      const prospects = await tx.$executeRaw`
      UPDATE customers c
      SET recency_days = NULL, frequency = 0, monetary = 0, r_score = NULL, f_score = NULL, m_score = NULL,
          segment = 'PROSPECTS', rfm_computed_at = now()
      WHERE c.shop = ${shop} AND NOT EXISTS (
        SELECT 1 FROM orders o
        WHERE o.customer_id = c.id AND o.cancelled_at IS NULL AND NOT o.test
          AND (o.order_created_at AT TIME ZONE 'UTC')::date <= ${asOf}::date)`;
      return { scored, prospects };
      // A shop with hundreds of thousands of customers takes longer than Prisma's 5 s default.
    },
    { timeout: 10 * 60_000, maxWait: 60_000 },
  );
}

/** The scores as of a date, one row per scored customer, by Shopify customer id. */
export async function listRfm(shop: string, asOf: string): Promise<RfmRow[]> {
  return prisma.$queryRaw<RfmRow[]>`
    SELECT c.shopify_id::text AS customer_id, c.recency_days, c.frequency, c.monetary::text AS monetary,
           s.r_score AS r, s.f_score AS f, s.m_score AS m, s.segment::text AS segment
    FROM customer_segment_snapshots s JOIN customers c ON c.id = s.customer_id
    WHERE s.shop = ${shop} AND s.as_of = ${asOf}::date
    ORDER BY c.shopify_id`;
}
