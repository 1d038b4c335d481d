import { z } from "zod";
import prisma from "../db.server";
import {
  type Cycle,
  cycleContaining,
  FREE_PLAN,
  planByHandle,
  type SubscriptionStatus,
  SubscriptionStatusSchema,
  type UsageLevel,
  usageLevel,
} from "../domain/plans";
import { shopDate } from "../domain/time-zone";
import { env } from "../env.server";
import type { Prisma, ShopPlan } from "../generated/prisma/client";
import { adminQuery, type AdminGraphql } from "../lib/admin-graphql";
import { logger } from "../logger.server";
import { ensureShop } from "./shops.server";

type Tx = Prisma.TransactionClient;

export const ACTIVE_SUBSCRIPTIONS_QUERY = `#graphql
  query ActiveSubscriptions {
    currentAppInstallation {
      activeSubscriptions {
        id
        name
        status
        test
        createdAt
        currentPeriodEnd
        lineItems {
          plan {
            pricingDetails {
              __typename
              ... on AppRecurringPricing {
                planHandle
              }
            }
          }
        }
      }
    }
  }
`;

const ActiveSubscriptionsSchema = z.object({
  currentAppInstallation: z.object({
    activeSubscriptions: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        status: SubscriptionStatusSchema,
        test: z.boolean(),
        createdAt: z.iso.datetime({ offset: true }),
        currentPeriodEnd: z.iso.datetime({ offset: true }).nullable(),
        lineItems: z.array(
          z.object({
            plan: z.object({
              pricingDetails: z.object({ __typename: z.string(), planHandle: z.string().nullish() }),
            }),
          }),
        ),
      }),
    ),
  }),
});

/** `app_subscriptions/update`: the fields the app reads (Shopify's example carries more). */
export const SubscriptionUpdateSchema = z.object({
  app_subscription: z.object({
    admin_graphql_api_id: z.string().startsWith("gid://shopify/AppSubscription/"),
    admin_graphql_api_shop_id: z.string().startsWith("gid://shopify/Shop/").nullish(),
    name: z.string(),
    status: SubscriptionStatusSchema,
    created_at: z.iso.datetime({ offset: true }),
    updated_at: z.iso.datetime({ offset: true }),
    plan_handle: z.string().nullish(),
  }),
});
export type SubscriptionUpdate = z.infer<typeof SubscriptionUpdateSchema>;

/** What a subscription gives: a plan of PLANS, or a private plan without a limit the app knows. */
interface PlanState {
  planHandle: string;
  planName: string;
  answerLimit: number | null;
  subscriptionId: string | null;
  subscriptionStatus: SubscriptionStatus | null;
  test: boolean;
  subscriptionCreatedAt: Date | null;
  subscriptionUpdatedAt: Date | null;
  cycle: Cycle;
}

function planOfSubscription(handle: string | null | undefined, name: string) {
  const known = planByHandle(handle);
  if (known) return { planHandle: known.handle, planName: known.name, answerLimit: known.answerLimit as number | null };
  // A private plan made in the Partner Dashboard for one merchant: the merchant pays, so
  // nothing pauses; the log says the catalogue lacks it.
  logger.warn({ planHandle: handle, name }, "a subscription to a plan the app does not know: no answer limit");
  return { planHandle: handle ?? name, planName: name, answerLimit: null };
}

/**
 * The free plan after `row`'s plan: a paid plan that ended starts a free cycle at `endedAt`;
 * a shop already free keeps its cycle (an uninstall and reinstall does not renew it).
 */
function freeAfter(
  row: ShopPlan,
  endedAt: Date,
  now: Date,
  subscription: Pick<
    PlanState,
    "subscriptionId" | "subscriptionStatus" | "subscriptionCreatedAt" | "subscriptionUpdatedAt"
  >,
): PlanState {
  const wasFree = row.planHandle === FREE_PLAN.handle && row.answerLimit === FREE_PLAN.answerLimit;
  return {
    planHandle: FREE_PLAN.handle,
    planName: FREE_PLAN.name,
    answerLimit: FREE_PLAN.answerLimit,
    test: false,
    ...subscription,
    cycle: wasFree ? { startsAt: row.cycleStartsAt, endsAt: row.cycleEndsAt } : cycleContaining(endedAt, now),
  };
}

async function countAnswers(tx: Tx, shop: string, cycle: Cycle, cap: number | null): Promise<number> {
  // Counting stops at the limit where there is one: enough to know the limit is reached.
  const rows = await tx.$queryRaw<Array<{ n: number }>>`
    SELECT count(*)::int AS n FROM (
      SELECT 1 FROM responses
      WHERE shop = ${shop} AND answered_at >= ${cycle.startsAt} AND answered_at < ${cycle.endsAt}
      LIMIT ${cap}
    ) counted`;
  return rows[0]?.n ?? 0;
}

/**
 * The shop's plan row, made (free, counted from installation) when missing, locked for the
 * transaction, and moved on to the cycle that contains `now`; a new cycle starts unpaused.
 */
async function currentPlan(tx: Tx, shop: string, now: Date): Promise<ShopPlan> {
  if (!(await tx.shopPlan.findUnique({ where: { shop }, select: { shop: true } }))) {
    // A subscription webhook may come before anything else of a shop.
    await ensureShop(shop, tx);
    const installed = await tx.shop.findUnique({ where: { domain: shop }, select: { installedAt: true } });
    const cycle = cycleContaining(installed?.installedAt ?? now, now);
    await tx.$executeRaw`
      INSERT INTO shop_plans (shop, cycle_starts_at, cycle_ends_at, updated_at)
      VALUES (${shop}, ${cycle.startsAt}, ${cycle.endsAt}, now()) ON CONFLICT (shop) DO NOTHING`;
  }
  // One writer at a time per shop: an answer reaching the limit and a new plan never cross.
  await tx.$queryRaw`SELECT shop FROM shop_plans WHERE shop = ${shop} FOR UPDATE`;
  const row = await tx.shopPlan.findUniqueOrThrow({ where: { shop } });
  if (row.cycleEndsAt > now) return row;
  const cycle = cycleContaining(row.cycleStartsAt, now);
  return tx.shopPlan.update({
    where: { shop },
    data: { cycleStartsAt: cycle.startsAt, cycleEndsAt: cycle.endsAt, limitReachedAt: null },
  });
}

/** Writes a new plan state and settles the pause for its cycle. */
async function applyPlan(tx: Tx, shop: string, state: PlanState, now: Date): Promise<ShopPlan> {
  await currentPlan(tx, shop, now);
  const used = state.answerLimit === null ? 0 : await countAnswers(tx, shop, state.cycle, state.answerLimit);
  const reached = state.answerLimit !== null && used >= state.answerLimit;
  const previous = await tx.shopPlan.findUniqueOrThrow({ where: { shop } });
  return tx.shopPlan.update({
    where: { shop },
    data: {
      planHandle: state.planHandle,
      planName: state.planName,
      answerLimit: state.answerLimit,
      subscriptionId: state.subscriptionId,
      subscriptionStatus: state.subscriptionStatus,
      test: state.test,
      subscriptionCreatedAt: state.subscriptionCreatedAt,
      subscriptionUpdatedAt: state.subscriptionUpdatedAt,
      cycleStartsAt: state.cycle.startsAt,
      cycleEndsAt: state.cycle.endsAt,
      limitReachedAt: reached ? (previous.limitReachedAt ?? now) : null,
    },
  });
}

/**
 * After an answer is stored: when it is the one that reaches the cycle's limit, invitations
 * and on-site surveys pause (the answer itself, and any that follow, are kept).
 */
export async function noteAnswerUsage(tx: Tx, shop: string, now: Date): Promise<void> {
  const plan = await currentPlan(tx, shop, now);
  if (plan.answerLimit === null || plan.limitReachedAt) return;
  const cycle = { startsAt: plan.cycleStartsAt, endsAt: plan.cycleEndsAt };
  if ((await countAnswers(tx, shop, cycle, plan.answerLimit)) < plan.answerLimit) return;
  await tx.shopPlan.updateMany({ where: { shop, limitReachedAt: null }, data: { limitReachedAt: now } });
  logger.info({ shop, limit: plan.answerLimit }, "answer limit reached: invitations and on-site surveys pause");
}

/**
 * The SQL condition, for a shop expression and a time parameter, under which a shop's
 * surveys are paused: its cycle's answers reached the limit and that cycle is not over.
 */
export function pausedSql(shopExpr: string, nowExpr: string): string {
  return `EXISTS (SELECT 1 FROM shop_plans sp WHERE sp.shop = ${shopExpr}
            AND sp.limit_reached_at IS NOT NULL AND ${nowExpr} < sp.cycle_ends_at)`;
}

/** Whether the shop's invitations and on-site surveys are paused at its answer limit. */
export async function surveysPaused(shop: string, now: Date = new Date()): Promise<boolean> {
  const rows = await prisma.$queryRawUnsafe<Array<{ paused: boolean }>>(
    `SELECT ${pausedSql("$1", "$2")} AS paused`,
    shop,
    now,
  );
  return rows[0]?.paused ?? false;
}

/** Shopify's timestamps have whole seconds: a state read now is as new as any change this second. */
const wholeSecondBefore = (now: Date) => new Date(Math.floor(now.getTime() / 1000) * 1000 - 1000);

/**
 * Reads the app's active subscription from Shopify (after install, after the merchant
 * returns from Shopify's plan page, and when the plan page is opened) and keeps it.
 */
export async function syncSubscription(shop: string, graphql: AdminGraphql, now: Date = new Date()) {
  const data = ActiveSubscriptionsSchema.parse(await adminQuery(graphql, ACTIVE_SUBSCRIPTIONS_QUERY));
  const active = data.currentAppInstallation.activeSubscriptions
    .filter((s) => s.status === "ACTIVE")
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  return prisma.$transaction(async (tx) => {
    const row = await currentPlan(tx, shop, now);
    if (!active) {
      return applyPlan(
        tx,
        shop,
        freeAfter(row, now, now, {
          subscriptionId: row.subscriptionId,
          subscriptionStatus: row.subscriptionId ? "CANCELLED" : null,
          subscriptionCreatedAt: row.subscriptionCreatedAt,
          subscriptionUpdatedAt: wholeSecondBefore(now),
        }),
        now,
      );
    }
    const handle = active.lineItems.map((l) => l.plan.pricingDetails.planHandle).find(Boolean);
    const cycle = active.currentPeriodEnd
      ? cycleContaining(new Date(active.currentPeriodEnd), now)
      : cycleContaining(new Date(active.createdAt), now);
    return applyPlan(
      tx,
      shop,
      {
        ...planOfSubscription(handle, active.name),
        subscriptionId: active.id,
        subscriptionStatus: "ACTIVE",
        test: active.test,
        subscriptionCreatedAt: new Date(active.createdAt),
        subscriptionUpdatedAt: wholeSecondBefore(now),
        cycle,
      },
      now,
    );
  });
}

/**
 * `app_subscriptions/update`. Deliveries may arrive late, twice and out of order:
 * - the activation of a subscription newer than the shop's current one wins, whatever came first;
 * - news of the current subscription counts only if newer than what the app holds;
 * - the end of any other subscription (the old plan after an upgrade, a declined offer) changes nothing.
 * The app reads the subscription afresh from Shopify whenever the Plan page opens.
 */
export async function applySubscriptionUpdate(tx: Tx, shop: string, update: SubscriptionUpdate, now: Date) {
  const s = update.app_subscription;
  const owner = await tx.shop.findUnique({ where: { domain: shop }, select: { shopifyGid: true } });
  if (owner?.shopifyGid && s.admin_graphql_api_shop_id && owner.shopifyGid !== s.admin_graphql_api_shop_id) {
    logger.warn({ shop, subscriptionShop: s.admin_graphql_api_shop_id }, "a subscription webhook about another shop");
    return;
  }
  const updatedAt = new Date(s.updated_at);
  const createdAt = new Date(s.created_at);
  const row = await currentPlan(tx, shop, now);
  const current = row.subscriptionId === s.admin_graphql_api_id;
  if (current && row.subscriptionUpdatedAt && updatedAt < row.subscriptionUpdatedAt) return;
  const subscription = {
    subscriptionId: s.admin_graphql_api_id,
    subscriptionStatus: s.status,
    subscriptionCreatedAt: createdAt,
    subscriptionUpdatedAt: updatedAt,
  };
  if (s.status === "ACTIVE") {
    if (!current && row.subscriptionCreatedAt && createdAt < row.subscriptionCreatedAt) return;
    const stillActive = current && row.subscriptionStatus === "ACTIVE";
    await applyPlan(
      tx,
      shop,
      {
        ...planOfSubscription(s.plan_handle, s.name),
        ...subscription,
        // The webhook does not say; Shopify's own answer (read on the Plan page) does.
        test: current ? row.test : false,
        // A new subscription's first cycle starts when Shopify activated it.
        cycle: stillActive ? { startsAt: row.cycleStartsAt, endsAt: row.cycleEndsAt } : cycleContaining(updatedAt, now),
      },
      now,
    );
    return;
  }
  if (!current) return;
  if (row.subscriptionStatus !== "ACTIVE") {
    await tx.shopPlan.update({
      where: { shop },
      data: { subscriptionStatus: s.status, subscriptionUpdatedAt: updatedAt },
    });
    return;
  }
  await applyPlan(tx, shop, freeAfter(row, updatedAt, now, subscription), now);
}

/** Uninstalling ends a paid plan (Shopify cancels it); a shop already free keeps its cycle. */
export async function endPlanOnUninstall(tx: Tx, shop: string, now: Date): Promise<void> {
  const row = await currentPlan(tx, shop, now);
  await applyPlan(
    tx,
    shop,
    freeAfter(row, now, now, {
      subscriptionId: row.subscriptionId,
      subscriptionStatus: row.subscriptionId ? "CANCELLED" : null,
      subscriptionCreatedAt: row.subscriptionCreatedAt,
      subscriptionUpdatedAt: row.subscriptionUpdatedAt,
    }),
    now,
  );
}

export interface Usage {
  planHandle: string;
  planName: string;
  test: boolean;
  used: number;
  limit: number | null;
  level: UsageLevel;
  paused: boolean;
  cycleStartsAt: string;
  resetsAt: string;
  /** The day the count starts again, as the shop's merchants read it. */
  resetsOn: string;
}

/**
 * The shop's plan and this cycle's count of completed surveys, for the banner and the plan
 * page. Looking also settles the pause, should answers have been erased since.
 */
export async function loadUsage(shop: string, now: Date = new Date()): Promise<Usage> {
  return prisma.$transaction(async (tx) => {
    const plan = await currentPlan(tx, shop, now);
    const shopRow = await tx.shop.findUnique({ where: { domain: shop }, select: { timezone: true } });
    const cycle = { startsAt: plan.cycleStartsAt, endsAt: plan.cycleEndsAt };
    const used = await countAnswers(tx, shop, cycle, null);
    const level = usageLevel(used, plan.answerLimit);
    const reached = level === "reached";
    if (reached !== (plan.limitReachedAt !== null)) {
      await tx.shopPlan.update({ where: { shop }, data: { limitReachedAt: reached ? now : null } });
    }
    return {
      planHandle: plan.planHandle,
      planName: plan.planName,
      test: plan.test,
      used,
      limit: plan.answerLimit,
      level,
      paused: reached,
      cycleStartsAt: plan.cycleStartsAt.toISOString(),
      resetsAt: plan.cycleEndsAt.toISOString(),
      resetsOn: shopDate(plan.cycleEndsAt.toISOString(), shopRow?.timezone),
    };
  });
}

/** Shopify's plan selection page for this app, where merchants choose and change plans. */
export function planSelectionUrl(shop: string): string {
  const store = shop.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${encodeURIComponent(store)}/charges/${encodeURIComponent(env().SHOPIFY_APP_HANDLE)}/pricing_plans`;
}
