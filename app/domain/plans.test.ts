import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CYCLE_DAYS, cycleContaining, PLANS, planByHandle, usageLevel } from "./plans";

const DAY = 86_400_000;

describe("cycleContaining", () => {
  it("contains the moment, starts on the anchor's rhythm and lasts 30 days", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1e12, max: 4e12 }), fc.integer({ min: -4e10, max: 4e10 }), (anchor, after) => {
        const now = new Date(anchor + after);
        const cycle = cycleContaining(new Date(anchor), now);
        expect(cycle.startsAt.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(cycle.endsAt.getTime()).toBeGreaterThan(now.getTime());
        expect(cycle.endsAt.getTime() - cycle.startsAt.getTime()).toBe(CYCLE_DAYS * DAY);
        const offset = (cycle.startsAt.getTime() - anchor) % (CYCLE_DAYS * DAY);
        expect(Math.abs(offset)).toBe(0);
      }),
    );
  });

  it("ends the current cycle at Shopify's period end", () => {
    const end = new Date("2026-12-31T12:00:00Z");
    expect(cycleContaining(end, new Date("2026-12-15T00:00:00Z"))).toEqual({
      startsAt: new Date("2026-12-01T12:00:00Z"),
      endsAt: end,
    });
  });

  it("counts this month of a yearly plan, not the cycle before its period end a year ahead", () => {
    const now = new Date("2026-12-15T00:00:00Z");
    const cycle = cycleContaining(new Date("2027-12-01T00:00:00Z"), now);
    expect(cycle.startsAt.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(cycle.endsAt.getTime()).toBeGreaterThan(now.getTime());
  });
});

describe("usageLevel", () => {
  it("warns from 80 % and pauses at the limit", () => {
    expect(usageLevel(79, 100)).toBe("ok");
    expect(usageLevel(80, 100)).toBe("near");
    expect(usageLevel(99, 100)).toBe("near");
    expect(usageLevel(100, 100)).toBe("reached");
    expect(usageLevel(140, 100)).toBe("reached");
    expect(usageLevel(1_000_000, null)).toBe("ok");
  });
});

describe("PLANS", () => {
  it("grow in limit with price, and are found by handle", () => {
    for (let i = 1; i < PLANS.length; i++) {
      expect(PLANS[i]!.answerLimit).toBeGreaterThan(PLANS[i - 1]!.answerLimit);
      expect(PLANS[i]!.monthlyPrice).toBeGreaterThan(PLANS[i - 1]!.monthlyPrice);
    }
    expect(planByHandle("growth")?.name).toBe("Growth");
    expect(planByHandle("unknown")).toBeNull();
  });
});
