import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareNps, estimateNps, npsVariance, npsImpact } from "./nps";

const counts = fc.record({ promoters: fc.nat(500), passives: fc.nat(500), detractors: fc.nat(500) });

describe("NPS and its confidence interval", () => {
  it("matches the worked example: 7 promoters, 2 passives, 3 detractors", () => {
    const e = estimateNps({ promoters: 7, passives: 2, detractors: 3 });
    expect(e.n).toBe(12);
    expect(e.nps!.toFixed(1)).toBe("33.3");
    // By hand: n' = 15, p' = 7.75/15, d' = 3.75/15, centre 0.26667,
    // variance (0.76667 − 0.071111)/15 = 0.046370, half width 1.96 × 0.21534 = 0.42206.
    expect(e.ciLow!.toFixed(1)).toBe("-15.5");
    expect(e.ciHigh!.toFixed(1)).toBe("68.9");
  });

  it("uses Var(NPS) = (p + d − (p − d)²) / n", () => {
    // 50 % promoters, 20 % detractors of 100: (0.5 + 0.2 − 0.09) / 100 = 0.0061.
    expect(npsVariance(0.5, 0.2, 100)).toBeCloseTo(0.0061, 12);
    // All promoters: no spread at all.
    expect(npsVariance(1, 0, 10)).toBe(0);
  });

  it("has nothing to say without answers", () => {
    expect(estimateNps({ promoters: 0, passives: 0, detractors: 0 })).toMatchObject({ n: 0, nps: null, ciLow: null });
  });

  it("keeps NPS and the interval within -100..100, the interval around the adjusted estimate", () => {
    fc.assert(
      fc.property(counts, (c) => {
        const e = estimateNps(c);
        if (e.n === 0) return;
        expect(e.nps!).toBeGreaterThanOrEqual(-100);
        expect(e.nps!).toBeLessThanOrEqual(100);
        expect(e.ciLow!).toBeGreaterThanOrEqual(-100);
        expect(e.ciHigh!).toBeLessThanOrEqual(100);
        const adjustedCentre = (100 * (c.promoters + 0.75 - (c.detractors + 0.75))) / (e.n + 3);
        expect(e.ciLow!).toBeLessThanOrEqual(adjustedCentre + 1e-9);
        expect(e.ciHigh!).toBeGreaterThanOrEqual(adjustedCentre - 1e-9);
      }),
    );
  });

  it("contains the raw NPS once there are a few answers", () => {
    fc.assert(
      fc.property(counts, (c) => {
        const e = estimateNps(c);
        if (e.n < 10) return;
        expect(e.ciLow!).toBeLessThanOrEqual(e.nps! + 1e-9);
        expect(e.ciHigh!).toBeGreaterThanOrEqual(e.nps! - 1e-9);
      }),
    );
  });

  it("never widens with more answers in the same shares", () => {
    fc.assert(
      fc.property(counts, fc.integer({ min: 2, max: 20 }), (c, k) => {
        const e = estimateNps(c);
        const more = estimateNps({
          promoters: c.promoters * k,
          passives: c.passives * k,
          detractors: c.detractors * k,
        });
        if (e.n === 0) return;
        expect(more.ciHigh! - more.ciLow!).toBeLessThanOrEqual(e.ciHigh! - e.ciLow! + 1e-9);
      }),
    );
  });
});

describe("comparing two groups", () => {
  it("flags a difference only when its interval excludes zero", () => {
    const strong = compareNps(
      { promoters: 80, passives: 10, detractors: 10 },
      { promoters: 30, passives: 20, detractors: 50 },
    );
    expect(strong.difference).toBe(90);
    expect(strong.significant).toBe(true);
    const weak = compareNps({ promoters: 6, passives: 2, detractors: 2 }, { promoters: 5, passives: 2, detractors: 3 });
    expect(weak.significant).toBe(false);
    expect(weak.ciLow!).toBeLessThan(0);
    expect(weak.ciHigh!).toBeGreaterThan(0);
  });

  it("is symmetric", () => {
    fc.assert(
      fc.property(counts, counts, (a, b) => {
        const ab = compareNps(a, b);
        const ba = compareNps(b, a);
        if (ab.difference === null) return;
        expect(ab.difference + ba.difference!).toBeCloseTo(0, 9);
        expect(ab.significant).toBe(ba.significant);
      }),
    );
  });
});

describe("the impact of a group of answers", () => {
  it("is the NPS of all minus the NPS without the group", () => {
    // 10 answers: 5 promoters, 2 passives, 3 detractors = NPS 20. The group: 2 detractors
    // and 1 passive; without them 5 promoters, 1 passive, 1 detractor = NPS 57.1.
    const all = { promoters: 5, passives: 2, detractors: 3 };
    const impact = npsImpact(all, { promoters: 0, passives: 1, detractors: 2 });
    expect(impact).toBeCloseTo(20 - 400 / 7, 6);
    expect(npsImpact(all, { promoters: 3, passives: 0, detractors: 0 })).toBeCloseTo(20 - -100 / 7, 6);
  });

  it("is null when nothing is left without the group, or nothing was there", () => {
    const all = { promoters: 1, passives: 1, detractors: 1 };
    expect(npsImpact(all, all)).toBeNull();
    expect(
      npsImpact({ promoters: 0, passives: 0, detractors: 0 }, { promoters: 0, passives: 0, detractors: 0 }),
    ).toBeNull();
  });
});
