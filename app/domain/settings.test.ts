import { describe, expect, it } from "vitest";
import { readSettings, ShopSettingsSchema } from "./settings";

const defaults = ShopSettingsSchema.parse({});

describe("readSettings", () => {
  it("reads valid settings as they are, and gives defaults for missing ones", () => {
    const stored = { throttleDays: 7, valuedSegments: ["LOYAL"], advocacy: { referral: { enabled: true, value: 20 } } };
    const settings = readSettings(stored);
    expect(settings.throttleDays).toBe(7);
    expect(settings.valuedSegments).toEqual(["LOYAL"]);
    expect(settings.advocacy.referral).toMatchObject({ enabled: true, value: 20, codePrefix: "FRIEND" });
    expect(settings.expiryDays).toBe(defaults.expiryDays);
  });

  it("resets only the value that no longer validates, not the section holding it", () => {
    const stored = {
      throttleDays: -1,
      expiryDays: 14,
      advocacy: {
        shareEmail: "yes",
        referral: { enabled: true, type: "percentage", value: 150, validDays: 30 },
        review: { kind: "product", productUrl: "https://shop.example/products/{handle}#reviews" },
      },
      branding: { accent: "red", showLogo: false },
      dueHours: { valued: 2, critical: 0 },
    };
    const settings = readSettings(stored);
    expect(settings.throttleDays).toBe(defaults.throttleDays);
    expect(settings.expiryDays).toBe(14);
    expect(settings.advocacy.shareEmail).toBe(false);
    // A percentage over 100 falls back to the default value; the rest of the referral stays.
    expect(settings.advocacy.referral).toMatchObject({ enabled: true, type: "percentage", value: 10, validDays: 30 });
    expect(settings.advocacy.review).toMatchObject({ kind: "product" });
    expect(settings.dueHours).toEqual({
      valued: 2,
      critical: defaults.dueHours.critical,
      other: defaults.dueHours.other,
    });
    expect(settings.branding).toMatchObject({ accent: null, showLogo: false });
  });

  it("resets a value two rules refuse, and only that value", () => {
    const settings = readSettings({
      advocacy: {
        referral: { enabled: true, type: "percentage", value: 200_000, codePrefix: "VIP" },
        review: {
          kind: "product",
          productUrl: "https://shop.example/products/{handle}",
          siteUrl: `https://reviews.example/{foo}${"a".repeat(500)}`,
        },
      },
      branding: { useBrand: false, accent: "#112233", logoUrl: `http://logo.example/${"a".repeat(2000)}` },
    });
    expect(settings.advocacy.referral).toMatchObject({ enabled: true, value: 10, codePrefix: "VIP" });
    expect(settings.advocacy.review).toMatchObject({ kind: "product", siteUrl: null });
    expect(settings.branding).toMatchObject({ useBrand: false, accent: "#112233", logoUrl: null });
  });

  it("drops a locale or category it does not know, keeping the others", () => {
    const settings = readSettings({
      questions: {
        en: { PROMOTER: "What did you love?", FAN: "?" },
        xx: { PROMOTER: "?" },
        de: { DETRACTOR: "Warum?" },
      },
    });
    expect(settings.questions).toEqual({ en: { PROMOTER: "What did you love?" }, de: { DETRACTOR: "Warum?" } });
  });

  it("drops an unknown element of a list and keeps the others", () => {
    const settings = readSettings({ valuedSegments: ["CHAMPIONS", "GONE", "AT_RISK", 7] });
    expect(settings.valuedSegments).toEqual(["CHAMPIONS", "AT_RISK"]);
  });

  it("drops one locale's invalid question and keeps the others", () => {
    const settings = readSettings({
      questions: { en: { PROMOTER: "What did you love?" }, fr: { PROMOTER: "x".repeat(301), DETRACTOR: "Pourquoi ?" } },
    });
    expect(settings.questions).toEqual({ en: { PROMOTER: "What did you love?" }, fr: { DETRACTOR: "Pourquoi ?" } });
  });

  it("resets a review link whose rule needs a field it lacks, keeping the referral", () => {
    const settings = readSettings({
      advocacy: { referral: { enabled: true }, review: { kind: "site", siteName: "Trustpilot" } },
    });
    expect(settings.advocacy.review).toEqual(defaults.advocacy.review);
    expect(settings.advocacy.referral.enabled).toBe(true);
  });

  it("gives the defaults for stored values that are not settings at all", () => {
    for (const stored of [null, undefined, "garbage", 42, ["a"], { channels: "all" }]) {
      expect(readSettings(stored)).toEqual(defaults);
    }
  });

  it("does not change what it was given", () => {
    const stored = { throttleDays: -1, valuedSegments: ["GONE"] };
    readSettings(stored);
    expect(stored).toEqual({ throttleDays: -1, valuedSegments: ["GONE"] });
  });
});
