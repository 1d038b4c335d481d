import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { delayIso, delayParts, durationToMs } from "./duration";

describe("delays", () => {
  it("reads ISO-8601 durations in weeks, days, hours, minutes and seconds", () => {
    expect(durationToMs("PT0S")).toBe(0);
    expect(durationToMs("PT1H")).toBe(3_600_000);
    expect(durationToMs("P3D")).toBe(3 * 86_400_000);
    expect(durationToMs("P1DT2H30M")).toBe(86_400_000 + 2 * 3_600_000 + 30 * 60_000);
    expect(durationToMs("P1W")).toBe(7 * 86_400_000);
  });

  it("refuses months, years, negative and malformed durations", () => {
    expect(() => durationToMs("P1M")).toThrow(/not years or months/);
    expect(() => durationToMs("-PT1H")).toThrow(/negative/);
    expect(() => durationToMs("1 hour")).toThrow();
  });

  it("shows a delay in the largest unit that divides it, and back", () => {
    expect(delayParts("PT1H")).toEqual({ amount: 1, unit: "hours" });
    expect(delayParts("PT90M")).toEqual({ amount: 90, unit: "minutes" });
    expect(delayParts("P3D")).toEqual({ amount: 3, unit: "days" });
    expect(delayParts("PT0S")).toEqual({ amount: 0, unit: "days" });
    fc.assert(
      fc.property(fc.nat(10_000), fc.constantFrom("minutes", "hours", "days" as const), (amount, unit) => {
        expect(durationToMs(delayIso(amount, unit))).toBe(
          durationToMs(delayIso(delayParts(delayIso(amount, unit)).amount, delayParts(delayIso(amount, unit)).unit)),
        );
      }),
    );
  });
});
