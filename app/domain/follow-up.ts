import type { RfmSegment } from "../generated/prisma/enums";
import type { ShopSettings } from "./settings";

/** How angry a detractor is: 0–2 furious and about to leave, 3–4 very dissatisfied, 5–6 disappointed. */
export type UrgencyBand = "critical" | "high" | "medium" | "low";

export function urgencyBand(score: number): UrgencyBand {
  if (score <= 2) return "critical";
  if (score <= 4) return "high";
  if (score <= 6) return "medium";
  return "low";
}

export const BAND_LABELS: Record<UrgencyBand, string> = {
  critical: "Critical (0–2)",
  high: "High (3–4)",
  medium: "Medium (5–6)",
  low: "Passive (7–8)",
};

/**
 * Hours to answer a new case: the valued segments' detractors first (default Champions,
 * Loyal and At risk, 4 hours), then other critical scores (24 hours), then the rest (72).
 */
export function dueHours(settings: ShopSettings, score: number, segment: RfmSegment | null): number {
  if (score <= 6 && segment && settings.valuedSegments.includes(segment)) return settings.dueHours.valued;
  if (score <= 2) return settings.dueHours.critical;
  return settings.dueHours.other;
}

/**
 * How valuable a customer's segment is, for the queue's order and for "moved up a segment":
 * higher is better. Prospects (no order yet) and guests are 0.
 */
export const SEGMENT_RANK: Record<RfmSegment, number> = {
  CHAMPIONS: 10,
  LOYAL: 9,
  ACTIVE: 8,
  PROMISING: 7,
  NEW: 6,
  NEEDS_ATTENTION: 5,
  AT_RISK: 4,
  PREVIOUSLY_LOYAL: 3,
  ALMOST_LOST: 2,
  DORMANT: 1,
  PROSPECTS: 0,
};

/**
 * The queue's default order, highest first (docs/follow-up.md):
 *   priority = urgency + value − age
 *   urgency  = 3000 critical, 2000 high, 1000 medium, 0 passive
 *   value    = 6 × segment rank (0–60) + 8 × monetary score (0–40), so at most 100
 *   age      = days since the answer, at most 30
 * An angrier customer always comes before a calmer one of any value; within a band the most
 * valuable first; among customers of similar value the fresher answer first (recoverable
 * sooner), age counting at most 30 points, under a third of the value range.
 */
export function priority(input: { score: number; segment: RfmSegment | null; mScore: number | null; ageDays: number }) {
  const urgency = { critical: 3000, high: 2000, medium: 1000, low: 0 }[urgencyBand(input.score)];
  const value = 6 * (input.segment ? SEGMENT_RANK[input.segment] : 0) + 8 * (input.mScore ?? 0);
  return urgency + value - Math.min(30, Math.max(0, input.ageDays));
}

export interface Proportion {
  n: number;
  successes: number;
  rate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

/** A rate with its 95 % Wilson score interval (good at small n and at rates near 0 or 1). */
export function estimateProportion(successes: number, n: number): Proportion {
  if (n === 0) return { n, successes, rate: null, ciLow: null, ciHigh: null };
  const z = 1.959963984540054;
  const p = successes / n;
  const denominator = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denominator;
  return { n, successes, rate: p, ciLow: Math.max(0, centre - half), ciHigh: Math.min(1, centre + half) };
}
