import prisma from "../db.server";
import { CaseStatus, InvitationStatus, ScoreCategory, SurveyStage } from "../generated/prisma/enums";

export class ShopNotFoundError extends Error {
  constructor(public readonly shop: string) {
    super(`Unknown shop: ${shop}`);
  }
}

type CategoryCounts = { promoter: number; passive: number; detractor: number };

export interface ShopStats {
  shop: string;
  orders: number;
  orderLines: number;
  customers: number;
  invitations: Record<string, number>;
  responses: { pre: CategoryCounts; post: CategoryCounts };
  cases: Record<string, number>;
}

const lower = (s: string) => s.toLowerCase();
const zeros = (keys: string[]) => Object.fromEntries(keys.map((k) => [lower(k), 0]));

/** Counts of everything the app holds for one shop; every status is present, zero when empty. */
export async function getShopStats(shop: string): Promise<ShopStats> {
  const found = await prisma.shop.findUnique({ where: { domain: shop }, select: { domain: true } });
  if (!found) throw new ShopNotFoundError(shop);

  const [counts, invitations, responses, cases] = await Promise.all([
    prisma.$queryRaw<{ orders: number; order_lines: number; customers: number }[]>`
      SELECT (SELECT count(*) FROM orders WHERE shop = ${shop})::int AS orders,
             (SELECT count(*) FROM order_lines WHERE shop = ${shop})::int AS order_lines,
             (SELECT count(*) FROM customers WHERE shop = ${shop})::int AS customers`,
    prisma.$queryRaw<{ status: string; n: number }[]>`
      SELECT status::text, count(*)::int AS n FROM survey_invitations WHERE shop = ${shop} GROUP BY status`,
    prisma.$queryRaw<{ stage: string; category: string; n: number }[]>`
      SELECT stage::text, category::text, count(*)::int AS n FROM responses WHERE shop = ${shop} GROUP BY stage, category`,
    prisma.$queryRaw<{ status: string; n: number }[]>`
      SELECT status::text, count(*)::int AS n FROM follow_up_cases WHERE shop = ${shop} GROUP BY status`,
  ]);

  const categories = Object.values(ScoreCategory);
  const stats: ShopStats = {
    shop,
    orders: counts[0]!.orders,
    orderLines: counts[0]!.order_lines,
    customers: counts[0]!.customers,
    invitations: zeros(Object.values(InvitationStatus)),
    responses: { pre: zeros(categories) as CategoryCounts, post: zeros(categories) as CategoryCounts },
    cases: zeros(Object.values(CaseStatus)),
  };
  for (const r of invitations) stats.invitations[lower(r.status)] = r.n;
  for (const r of cases) stats.cases[lower(r.status)] = r.n;
  for (const r of responses) {
    const stage = r.stage === SurveyStage.PRE_DELIVERY ? "pre" : "post";
    stats.responses[stage][lower(r.category) as keyof CategoryCounts] = r.n;
  }
  return stats;
}
