import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RfmSegment } from "../generated/prisma/enums";
import { dueHours, estimateProportion, priority, urgencyBand } from "./follow-up";
import { ShopSettingsSchema } from "./settings";

const answer = fc.record({
  score: fc.integer({ min: 0, max: 8 }),
  segment: fc.option(fc.constantFrom(...Object.values(RfmSegment)), { nil: null }),
  mScore: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  ageDays: fc.integer({ min: 0, max: 400 }),
});
const BAND_ORDER = { critical: 3, high: 2, medium: 1, low: 0 };

describe("the detractor queue's priority", () => {
  it("puts an angrier band first whatever the customers' value and age", () => {
    fc.assert(
      fc.property(answer, answer, (a, b) => {
        const [x, y] = [BAND_ORDER[urgencyBand(a.score)], BAND_ORDER[urgencyBand(b.score)]];
        if (x > y) expect(priority(a)).toBeGreaterThan(priority(b));
      }),
    );
  });

  it("puts a Champion before a guest of the same band and age", () => {
    expect(priority({ score: 5, segment: "CHAMPIONS", mScore: 5, ageDays: 3 })).toBeGreaterThan(
      priority({ score: 5, segment: null, mScore: null, ageDays: 3 }),
    );
  });
});

describe("due times", () => {
  const settings = ShopSettingsSchema.parse({});
  it("follow the defaults: valued segments' detractors 4 h, other critical 24 h, the rest 72 h", () => {
    expect(dueHours(settings, 6, "AT_RISK")).toBe(4);
    expect(dueHours(settings, 1, "CHAMPIONS")).toBe(4);
    expect(dueHours(settings, 2, "DORMANT")).toBe(24);
    expect(dueHours(settings, 0, null)).toBe(24);
    expect(dueHours(settings, 5, "NEW")).toBe(72);
    expect(dueHours(settings, 8, "CHAMPIONS")).toBe(72);
  });
});

describe("the win-back rate's interval", () => {
  it("matches the Wilson interval computed by hand", () => {
    // 8 of 10: centre (0.8 + 1.92/10) / 1.384 = 0.7167, half 1.96 √(0.016 + 0.00960) / 1.384 = 0.2266.
    const p = estimateProportion(8, 10);
    expect(p.rate).toBe(0.8);
    expect(p.ciLow!).toBeCloseTo(0.4902, 3);
    expect(p.ciHigh!).toBeCloseTo(0.9433, 3);
    expect(estimateProportion(0, 0)).toMatchObject({ rate: null, ciLow: null });
  });

  it("always contains the rate and stays within 0..1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, share) => {
        const k = Math.round(n * share);
        const p = estimateProportion(k, n);
        expect(p.ciLow!).toBeGreaterThanOrEqual(0);
        expect(p.ciHigh!).toBeLessThanOrEqual(1);
        expect(p.ciLow!).toBeLessThanOrEqual(p.rate! + 1e-12);
        expect(p.ciHigh!).toBeGreaterThanOrEqual(p.rate! - 1e-12);
      }),
    );
  });
});
