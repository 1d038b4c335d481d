import prisma from "../db.server";

/** Customers per RFM segment, as last computed, largest first. */
export async function countSegments(shop: string) {
  const rows = await prisma.$queryRaw<{ segment: string | null; customers: number; computed_at: Date | null }[]>`
    SELECT segment::text AS segment, count(*)::int AS customers, max(rfm_computed_at) AS computed_at
    FROM customers WHERE shop = ${shop} GROUP BY segment ORDER BY count(*) DESC`;
  return rows;
}
