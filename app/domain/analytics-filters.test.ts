import { describe, expect, it } from "vitest";
import { AnalyticsFiltersSchema, filtersToSearch, previousPeriod, resolvePeriod, todayIn } from "./analytics-filters";

describe("dashboard periods", () => {
  const today = "2026-11-22";

  it("counts presets back from today, whole days included", () => {
    expect(resolvePeriod({}, today)).toEqual({ from: "2025-11-23", to: today });
    expect(resolvePeriod({ range: "30d" }, today)).toEqual({ from: "2026-10-24", to: today });
    expect(resolvePeriod({ range: "90d" }, today)).toEqual({ from: "2026-08-25", to: today });
    expect(resolvePeriod({ range: "all" }, today)).toEqual({ from: null, to: today });
    expect(resolvePeriod({}, today, "all")).toEqual({ from: null, to: today });
  });

  it("lets explicit dates win over a preset", () => {
    expect(resolvePeriod({ range: "30d", from: "2026-01-01", to: "2026-03-31" }, today)).toEqual({
      from: "2026-01-01",
      to: "2026-03-31",
    });
    expect(resolvePeriod({ from: "2026-01-01" }, today)).toEqual({ from: "2026-01-01", to: today });
  });

  it("compares a period with the one of equal length just before it", () => {
    expect(previousPeriod({ from: "2026-03-01", to: "2026-03-31" })).toEqual({ from: "2026-01-29", to: "2026-02-28" });
    expect(previousPeriod({ from: null, to: today })).toBeNull();
  });

  it("reads today in the shop's time zone", () => {
    const instant = new Date("2026-11-22T23:30:00Z");
    expect(todayIn("UTC", instant)).toBe("2026-11-22");
    expect(todayIn("Europe/Amsterdam", instant)).toBe("2026-11-23");
    expect(todayIn("Not/AZone", instant)).toBe("2026-11-22");
  });
});

describe("dashboard filters in the URL", () => {
  it("treat empty fields as no filter and normalise a country code", () => {
    expect(AnalyticsFiltersSchema.parse({ stage: "", vendor: " Acme ", country: "de" })).toEqual({
      vendor: "Acme",
      country: "DE",
    });
  });

  it("refuse what they cannot use, naming it", () => {
    const result = AnalyticsFiltersSchema.safeParse({ from: "2026-05-02", to: "2026-05-01", segment: "vip" });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toEqual(["segment"]);
    const order = AnalyticsFiltersSchema.safeParse({ from: "2026-05-02", to: "2026-05-01" });
    expect(order.error!.issues[0]).toMatchObject({ path: ["from"], message: "is after the end date (to)" });
  });

  it("round-trip through a search string", () => {
    const filters = { range: "90d" as const, vendor: "Café & Co", segment: "at_risk" };
    const search = filtersToSearch(filters);
    expect(AnalyticsFiltersSchema.parse(Object.fromEntries(new URLSearchParams(search)))).toEqual(filters);
  });
});
