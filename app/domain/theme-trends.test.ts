import { describe, expect, it } from "vitest";
import { binomialUpperTail, mondayOf, shareDifference, weeksBetween, weeklyShares } from "./theme-trends";

describe("binomialUpperTail", () => {
  it("equals the exact sums", () => {
    expect(binomialUpperTail(3, 10, 0.5)).toBeCloseTo(968 / 1024, 12);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
    expect(binomialUpperTail(0, 10, 0.3)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.3)).toBe(0);
    // P(X >= 1) = 1 - 0.99^100
    expect(binomialUpperTail(1, 100, 0.01)).toBeCloseTo(1 - 0.99 ** 100, 12);
  });

  it("stays finite for large weeks", () => {
    // Exact value from rational arithmetic: 1.4529168112569902e-6.
    expect(binomialUpperTail(150, 5000, 0.02)).toBeCloseTo(1.4529168112569902e-6, 15);
  });
});

describe("weeklyShares", () => {
  const steady = weeksBetween("2026-01-05", "2026-02-23").map((week) => ({ week, answers: 100, mentions: 2 }));

  it("flags a week far above the eight weeks before, and not an ordinary one", () => {
    const spike = weeklyShares([...steady, { week: "2026-03-02", answers: 100, mentions: 12 }]).at(-1)!;
    expect(spike).toMatchObject({ share: 0.12, baseline: 0.02, spike: true });
    expect(spike.pValue).toBeLessThan(0.001);
    const ordinary = weeklyShares([...steady, { week: "2026-03-02", answers: 100, mentions: 4 }]).at(-1)!;
    expect(ordinary).toMatchObject({ share: 0.04, spike: false });
  });

  it("needs five mentions and a baseline", () => {
    // Four of ten is far above 2 %, but four comments are an anecdote.
    expect(weeklyShares([...steady, { week: "2026-03-02", answers: 10, mentions: 4 }]).at(-1)!.spike).toBe(false);
    // The first week has nothing before it to compare with.
    expect(weeklyShares([{ week: "2026-03-02", answers: 100, mentions: 50 }])[0]).toMatchObject({
      baseline: null,
      spike: false,
    });
  });

  it("lets a theme never mentioned before spike", () => {
    const quiet = steady.map((w) => ({ ...w, mentions: 0 }));
    expect(weeklyShares([...quiet, { week: "2026-03-02", answers: 100, mentions: 6 }]).at(-1)!.spike).toBe(true);
  });
});

describe("weeks", () => {
  it("starts weeks on Mondays", () => {
    expect(mondayOf("2026-12-02")).toBe("2026-11-30");
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");
    expect(weeksBetween("2026-11-16", "2026-11-30")).toEqual(["2026-11-16", "2026-11-23", "2026-11-30"]);
  });
});

describe("shareDifference", () => {
  it("calls a clear difference significant and a small one not", () => {
    expect(shareDifference(30, 100, 50, 1000)).toMatchObject({ significant: true });
    expect(shareDifference(6, 100, 50, 1000)).toMatchObject({ significant: false });
    expect(shareDifference(0, 0, 5, 10)).toBeNull();
  });
});
