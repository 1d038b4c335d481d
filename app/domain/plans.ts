import { z } from "zod";

/**
 * The app's plans, as defined in Shopify App Pricing (Partner Dashboard) under these
 * handles. The app only reads which one is active; Shopify shows and charges them.
 * A plan counts completed surveys (one answer to one stage of one order, however often it
 * is edited) per 30-day cycle.
 */
export const PLANS = [
  { handle: "free", name: "Free", monthlyPrice: 0, answerLimit: 100 },
  { handle: "growth", name: "Growth", monthlyPrice: 19, answerLimit: 1_000 },
  { handle: "pro", name: "Pro", monthlyPrice: 49, answerLimit: 5_000 },
  { handle: "scale", name: "Scale", monthlyPrice: 149, answerLimit: 25_000 },
] as const;

export type PlanHandle = (typeof PLANS)[number]["handle"];
export type Plan = (typeof PLANS)[number];

export const FREE_PLAN: Plan = PLANS[0];

/** Shopify's billing cycle for every-30-days plans; the free plan keeps the same rhythm. */
export const CYCLE_DAYS = 30;
const CYCLE_MS = CYCLE_DAYS * 86_400_000;

/** At this share of the limit the merchant is warned. */
export const WARN_SHARE = 0.8;

export function planByHandle(handle: string | null | undefined): Plan | null {
  return PLANS.find((p) => p.handle === handle) ?? null;
}

/**
 * The statuses of Shopify's AppSubscriptionStatus: only an ACTIVE subscription gives its
 * plan; any other leaves the shop on the free plan.
 */
export const SubscriptionStatusSchema = z.enum([
  "ACTIVE",
  "CANCELLED",
  "DECLINED",
  "EXPIRED",
  "FROZEN",
  "PENDING",
  "ACCEPTED",
]);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatusSchema>;

export interface Cycle {
  startsAt: Date;
  endsAt: Date;
}

/**
 * The 30-day cycle that contains `now`, on the rhythm of `anchor`: any cycle boundary, past
 * or future (the day the shop joined the free plan, Shopify's `currentPeriodEnd`, even a
 * yearly plan's, a year ahead). The cycle always contains `now`.
 */
export function cycleContaining(anchor: Date, now: Date): Cycle {
  const steps = Math.floor((now.getTime() - anchor.getTime()) / CYCLE_MS);
  const startsAt = new Date(anchor.getTime() + steps * CYCLE_MS);
  return { startsAt, endsAt: new Date(startsAt.getTime() + CYCLE_MS) };
}

export type UsageLevel = "ok" | "near" | "reached";

/** How close a shop is to its limit: warned from 80 %, paused at 100 %. No limit, no warning. */
export function usageLevel(used: number, limit: number | null): UsageLevel {
  if (limit === null) return "ok";
  if (used >= limit) return "reached";
  return used >= Math.ceil(limit * WARN_SHARE) ? "near" : "ok";
}
