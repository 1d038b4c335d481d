import { z } from "zod";

/** A colour as Shopify's brand settings and the merchant's overrides give it: #rrggbb. */
export const HexColorSchema = z
  .string()
  .trim()
  .regex(/^#?[0-9a-fA-F]{6}$/, "Use a colour like #1a5c3b")
  .transform((c) => (c.startsWith("#") ? c : `#${c}`).toLowerCase());

/** The shop's brand in Shopify (Settings → Brand), as the app keeps it. */
export const ShopBrandSchema = z.object({
  primary: HexColorSchema.nullable(),
  onPrimary: HexColorSchema.nullable(),
  logoUrl: z.url({ protocol: /^https$/ }).nullable(),
});
export type ShopBrand = z.infer<typeof ShopBrandSchema>;

/** What a merchant sets in Settings → Branding; each unset value follows the shop's brand. */
export const BrandingSettingsSchema = z.object({
  /** false: the neutral style whatever the brand. */
  useBrand: z.boolean().default(true),
  accent: HexColorSchema.nullable().default(null),
  logoUrl: z
    .url({ protocol: /^https$/, error: "Use an https:// address of an image" })
    .max(2000)
    .nullable()
    .default(null),
  showLogo: z.boolean().default(true),
});
export type BrandingSettings = z.infer<typeof BrandingSettingsSchema>;

/** The neutral style: near-black on white, the survey's look when no brand passes. */
export const NEUTRAL = { accent: "#1a1a1a", onAccent: "#ffffff" } as const;
/** What surveys draw on: the page, the email and the storefront block are white. */
export const SURFACE = "#ffffff";
/** WCAG 2.1 AA: 4.5:1 for text (1.4.3), 3:1 for a control's boundary against its surface (1.4.11). */
export const TEXT_CONTRAST = 4.5;
export const UI_CONTRAST = 3;

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export interface SurveyPalette {
  accent: string;
  onAccent: string;
  logoUrl: string | null;
  /** Where the colours came from. */
  source: "brand" | "override" | "neutral";
  /** Why the brand's or the merchant's colour is not used, for Settings. */
  fallback: string | null;
}

/** A ratio as people read it, rounded down: 2.99 is not "3.0", which would pass. */
export const formatRatio = (r: number) => `${(Math.floor(r * 10) / 10).toFixed(1)}:1`;

/**
 * The colours a survey is drawn in: the merchant's accent, else the shop's primary brand
 * colour, on white. Selected scores and buttons fill with the accent, with text in the
 * brand's own contrasting colour, white or black, whichever reads; unselected ones are
 * outlined with it. Any colour that would fail WCAG AA there gives way to the neutral style.
 */
export function surveyPalette(brand: ShopBrand | null, settings: BrandingSettings): SurveyPalette {
  const logoUrl = settings.showLogo ? (settings.logoUrl ?? brand?.logoUrl ?? null) : null;
  if (!settings.useBrand) return { ...NEUTRAL, logoUrl, source: "neutral", fallback: null };
  const accent = settings.accent ?? brand?.primary ?? null;
  const source = settings.accent ? "override" : "brand";
  if (!accent) return { ...NEUTRAL, logoUrl, source: "neutral", fallback: null };
  const onSurface = contrast(accent, SURFACE);
  if (onSurface < UI_CONTRAST) {
    return {
      ...NEUTRAL,
      logoUrl,
      source: "neutral",
      fallback: `${accent} has ${formatRatio(onSurface)} contrast with the white survey, below the ${formatRatio(UI_CONTRAST)} that outlines and buttons need, so the survey uses the neutral style.`,
    };
  }
  const candidates = [...(settings.accent ? [] : brand?.onPrimary ? [brand.onPrimary] : []), "#ffffff", "#000000"];
  const onAccent = candidates.find((c) => contrast(c, accent) >= TEXT_CONTRAST);
  if (!onAccent) {
    return {
      ...NEUTRAL,
      logoUrl,
      source: "neutral",
      fallback: `Neither white nor black text reaches ${formatRatio(TEXT_CONTRAST)} on ${accent}, so the survey uses the neutral style.`,
    };
  }
  return { accent, onAccent, logoUrl, source, fallback: null };
}
