import { z } from "zod";
import { RfmSegment } from "../generated/prisma/enums";
import { SEGMENT_NAMES } from "./rfm";

export const DATE_PRESETS = {
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "12m": "Last 12 months",
  all: "All time",
} as const;
export type DatePreset = keyof typeof DATE_PRESETS;

export const STAGES = { pre: "Before delivery", post: "After delivery" } as const;
export const CHANNELS = {
  email: "Email",
  thank_you: "Thank-you page",
  order_status: "Order status page",
  storefront: "Storefront",
} as const;
/** The shape of a theme key (app/domain/theme-taxonomy.ts). */
export const THEME_KEY = /^[a-z][a-z0-9_]{0,39}$/;

/** Segment keys are the enum in lower case; "none" is guests and customers not yet scored. */
export const SEGMENT_KEYS: [string, ...string[]] = ["none", ...Object.values(RfmSegment).map((s) => s.toLowerCase())];

export function segmentLabel(key: string): string {
  return key === "none" ? "No segment" : (SEGMENT_NAMES[key.toUpperCase() as RfmSegment] ?? key);
}

export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: "is not a calendar date",
    },
  );

// A form sends empty fields as ""; they mean "no filter".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" || v === null ? undefined : v), schema.optional());

/** Filters of every dashboard page, the CSV export and `npm run report`; kept in the URL. */
export const AnalyticsFiltersSchema = z
  .object({
    range: optional(
      z.enum(["30d", "90d", "12m", "all", "custom"], { message: "must be 30d, 90d, 12m, all or custom" }),
    ),
    from: optional(IsoDateSchema),
    to: optional(IsoDateSchema),
    stage: optional(z.enum(["pre", "post"], { message: "must be pre or post" })),
    channel: optional(
      z.enum(Object.keys(CHANNELS) as [keyof typeof CHANNELS, ...string[]], {
        message: `must be one of ${Object.keys(CHANNELS).join(", ")}`,
      }),
    ),
    vendor: optional(z.string().trim().min(1).max(255)),
    segment: optional(z.enum(SEGMENT_KEYS, { message: `must be one of ${SEGMENT_KEYS.join(", ")}` })),
    country: optional(
      z
        .string()
        .trim()
        .toUpperCase()
        .regex(/^[A-Z]{2}$/, "must be a two-letter country code such as DE"),
    ),
    /** A theme key (Settings → Themes): answers whose comment mentions it. */
    theme: optional(z.string().trim().regex(THEME_KEY, "must be a theme key such as damaged")),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "is after the end date (to)", path: ["from"] });
export type AnalyticsFilters = z.infer<typeof AnalyticsFiltersSchema>;

/** A period of whole days in the shop's time zone; `from` null means since the first answer. */
export interface Period {
  from: string | null;
  to: string;
}

const addDays = (iso: string, days: number) => {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** Today's date in a time zone, YYYY-MM-DD. */
export function todayIn(timeZone: string | null | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: timeZone ?? "UTC" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/**
 * The days a view covers: explicit dates win; otherwise a preset counted back from today,
 * `fallback` when none is given (the pages show the last 12 months, the CLI all time).
 */
export function resolvePeriod(filters: AnalyticsFilters, today: string, fallback: DatePreset = "12m"): Period {
  const preset = (filters.range && filters.range !== "custom" ? filters.range : fallback) as DatePreset;
  if (filters.from || filters.to || filters.range === "custom") {
    return { from: filters.from ?? null, to: filters.to ?? today };
  }
  switch (preset) {
    case "30d":
      return { from: addDays(today, -29), to: today };
    case "90d":
      return { from: addDays(today, -89), to: today };
    case "12m": {
      const d = new Date(`${today}T00:00:00Z`);
      d.setUTCFullYear(d.getUTCFullYear() - 1);
      return { from: addDays(d.toISOString().slice(0, 10), 1), to: today };
    }
    case "all":
      return { from: null, to: today };
  }
}

/** The period of equal length just before this one; none when the period has no start. */
export function previousPeriod(period: Period): Period | null {
  if (!period.from) return null;
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000) + 1;
  return { from: addDays(period.from, -days), to: addDays(period.from, -1) };
}

/** The filters as URL search parameters, leaving out what is unset. */
export function filtersToSearch(filters: AnalyticsFilters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...extra })) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}
