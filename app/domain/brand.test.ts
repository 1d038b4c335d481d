import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BrandingSettingsSchema, contrast, NEUTRAL, surveyPalette, SURFACE, TEXT_CONTRAST, UI_CONTRAST } from "./brand";

const defaults = BrandingSettingsSchema.parse({});
const brand = (primary: string | null, onPrimary: string | null = null) => ({ primary, onPrimary, logoUrl: null });
const hex = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, "0")}`);

describe("contrast", () => {
  it("follows WCAG 2.1: black on white is 21:1, a colour on itself 1:1, #767676 on white just passes AA", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#3a7bd5", "#3a7bd5")).toBe(1);
    expect(contrast("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5);
    expect(contrast("#777777", "#ffffff")).toBeLessThan(4.5);
  });
});

describe("surveyPalette", () => {
  it("takes the shop's primary colour with its own contrasting text", () => {
    expect(surveyPalette(brand("#1f5c3b", "#ffffff"), defaults)).toMatchObject({
      accent: "#1f5c3b",
      onAccent: "#ffffff",
      source: "brand",
      fallback: null,
    });
  });

  it("prefers the merchant's accent, with white or black text, whichever reads", () => {
    const palette = surveyPalette(brand("#1f5c3b", "#ffffff"), { ...defaults, accent: "#d35400" });
    expect(palette).toMatchObject({ accent: "#d35400", onAccent: "#000000", source: "override" });
  });

  it("falls back to the neutral style, saying why, for a colour too pale for a white card", () => {
    const palette = surveyPalette(brand("#fff3b0", "#000000"), defaults);
    expect(palette).toMatchObject({ ...NEUTRAL, source: "neutral" });
    expect(palette.fallback).toContain("#fff3b0");
  });

  it("ignores a brand foreground that does not read on the accent", () => {
    expect(surveyPalette(brand("#1f5c3b", "#2a6b48"), defaults).onAccent).toBe("#ffffff");
  });

  it("is neutral without a brand, or when the merchant turns the brand off", () => {
    expect(surveyPalette(null, defaults)).toMatchObject({ ...NEUTRAL, source: "neutral", fallback: null });
    expect(surveyPalette(brand("#1f5c3b"), { ...defaults, useBrand: false })).toMatchObject(NEUTRAL);
  });

  it("for any colours, never gives a palette that fails WCAG AA on the white card", () => {
    fc.assert(
      fc.property(hex, fc.option(hex, { nil: null }), fc.option(hex, { nil: null }), (primary, onPrimary, accent) => {
        const p = surveyPalette(brand(primary, onPrimary), { ...defaults, accent });
        expect(contrast(p.accent, SURFACE)).toBeGreaterThanOrEqual(UI_CONTRAST);
        expect(contrast(p.accent, p.onAccent)).toBeGreaterThanOrEqual(TEXT_CONTRAST);
      }),
    );
  });
});

describe("BrandingSettingsSchema", () => {
  it("takes #rrggbb with or without the hash, and refuses anything else with a clear message", () => {
    expect(BrandingSettingsSchema.parse({ accent: "1F5C3B" }).accent).toBe("#1f5c3b");
    const bad = BrandingSettingsSchema.safeParse({ accent: "green" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain("#1a5c3b");
  });

  it("accepts only https logo addresses", () => {
    expect(BrandingSettingsSchema.safeParse({ logoUrl: "http://example.com/logo.png" }).success).toBe(false);
    expect(BrandingSettingsSchema.safeParse({ logoUrl: "javascript:alert(1)" }).success).toBe(false);
    expect(BrandingSettingsSchema.parse({ logoUrl: "https://cdn.example.com/l.png" }).logoUrl).toBe(
      "https://cdn.example.com/l.png",
    );
  });
});
