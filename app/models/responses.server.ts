import prisma from "../db.server";

/** The shop's latest answers, newest first. */
export async function listRecentResponses(shop: string, limit: number) {
  const rows = await prisma.response.findMany({
    where: { shop },
    orderBy: { answeredAt: "desc" },
    take: limit,
    select: {
      id: true,
      stage: true,
      score: true,
      category: true,
      comment: true,
      answeredAt: true,
      order: { select: { name: true } },
    },
  });
  return rows.map(({ order, ...r }) => ({ ...r, orderName: order.name }));
}
