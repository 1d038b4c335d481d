import { z } from "zod";
import { RfmSegment, ScoreCategory } from "../generated/prisma/enums";
import { AdvocacySettingsSchema } from "./advocacy";
import { BrandingSettingsSchema } from "./brand";
import { DurationSchema } from "./duration";
import { SHOPPER_LOCALES } from "./shopper-locales";

const HoursSchema = z
  .number({ message: "Enter a whole number of hours" })
  .int("Enter a whole number of hours")
  .min(1, "At least 1 hour")
  .max(24 * 90, "At most 2,160 hours (90 days)");

const QuestionText = z.string().trim().min(1, "Write a question or leave the default").max(300);

/** Follow-up questions a merchant wrote, per locale and score category; unset ones use the defaults. */
export const QuestionOverridesSchema = z.partialRecord(
  z.enum(SHOPPER_LOCALES),
  z.partialRecord(z.enum(Object.values(ScoreCategory) as [ScoreCategory, ...ScoreCategory[]]), QuestionText),
);

/** A shop's survey settings. Stored as JSON on the shop; keys missing there take these defaults. */
export const ShopSettingsSchema = z.object({
  preDelay: DurationSchema.default("PT1H"),
  postDelayAfterFulfillment: DurationSchema.default("P3D"),
  postDelayAfterDelivery: DurationSchema.default("P1D"),
  channels: z
    .object({
      email: z.boolean().default(true),
      storefront: z.boolean().default(true),
      thankYou: z.boolean().default(true),
      orderStatus: z.boolean().default(true),
    })
    .prefault({}),
  throttleDays: z
    .number({ message: "Enter a whole number of days" })
    .int("Enter a whole number of days")
    .min(0, "Enter 0 or more days")
    .max(365, "At most 365 days")
    .default(30),
  expiryDays: z
    .number({ message: "Enter a whole number of days" })
    .int("Enter a whole number of days")
    .min(1, "Surveys stay open at least 1 day")
    .max(365, "At most 365 days")
    .default(30),
  senderName: z.string().trim().max(100, "At most 100 characters").nullable().default(null),
  replyTo: z.email("Enter an email address such as help@example.com").nullable().default(null),
  questions: QuestionOverridesSchema.default({}),
  includeTestOrders: z.boolean().default(false),
  /** Passives (7–8) open a follow-up case too; detractors always do. */
  casesForPassives: z.boolean().default(false),
  /** Hours to answer a case: detractors of the valued segments, other critical ones (0–2), the rest. */
  dueHours: z
    .object({
      valued: HoursSchema.default(4),
      critical: HoursSchema.default(24),
      other: HoursSchema.default(72),
    })
    .prefault({}),
  valuedSegments: z
    .array(z.enum(Object.values(RfmSegment) as [RfmSegment, ...RfmSegment[]]))
    .default(["CHAMPIONS", "LOYAL", "AT_RISK"]),
  /** Tag customers nps-promoter / nps-passive / nps-detractor and keep their last score in a metafield. */
  tagCustomers: z.boolean().default(true),
  /** Groups (a brand, a segment, a week) with fewer answers are shown but not ranked. */
  minAnswers: z
    .number({ message: "Enter a whole number of answers" })
    .int("Enter a whole number of answers")
    .min(1, "Enter 1 or more answers")
    .max(10000, "At most 10,000 answers")
    .default(30),
  /** The share step after an answer: promoters' referral codes, review links. */
  advocacy: AdvocacySettingsSchema.prefault({}),
  /** The survey's colours and logo: the shop's brand, the merchant's overrides, or neutral. */
  branding: BrandingSettingsSchema.prefault({}),
});
export type ShopSettings = z.infer<typeof ShopSettingsSchema>;

/**
 * Reads stored settings; a value that no longer validates falls back to its default, and only
 * that value: a review link a newer version refuses resets the link, not the whole share step,
 * and an unknown segment leaves the rest of the list. Each pass removes what the schema refused
 * (an array's element, an object's key; the object itself when the complaint is about a key it
 * lacks) and reads again; nesting is shallow, so a few passes do.
 */
export function readSettings(stored: unknown): ShopSettings {
  const current: unknown = structuredClone(typeof stored === "object" && stored !== null ? stored : {});
  for (let pass = 0; pass < 8; pass++) {
    const parsed = ShopSettingsSchema.safeParse(current);
    if (parsed.success) return parsed.data;
    // An unknown key (a locale no longer offered) is reported on the object holding it: the key
    // goes, not the object. Each path once, though two rules may refuse the same value; deepest
    // first, and an array's later elements before its earlier ones, so that removing one never
    // shifts another still to be removed.
    const unique = new Map<string, PropertyKey[]>();
    for (const issue of parsed.error.issues) {
      const paths = issue.code === "unrecognized_keys" ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
      for (const path of paths) unique.set(JSON.stringify(path.map(String)), path);
    }
    const paths = [...unique.values()].sort((a, b) => b.length - a.length || Number(b.at(-1)) - Number(a.at(-1)) || 0);
    let removed = false;
    for (const path of paths) removed = removeAt(current, path) || removed;
    if (!removed) break;
  }
  return ShopSettingsSchema.parse({});
}

/** Removes the value at `path`, or the nearest enclosing one that exists; false if none does. */
function removeAt(root: unknown, path: readonly PropertyKey[]): boolean {
  for (let depth = path.length; depth > 0; depth--) {
    let parent: unknown = root;
    for (const key of path.slice(0, depth - 1)) parent = (parent as Record<PropertyKey, unknown> | null)?.[key];
    const key = path[depth - 1]!;
    if (Array.isArray(parent) && typeof key === "number" && key < parent.length) {
      parent.splice(key, 1);
      return true;
    }
    if (typeof parent === "object" && parent !== null && Object.hasOwn(parent, key)) {
      delete (parent as Record<PropertyKey, unknown>)[key];
      return true;
    }
  }
  return false;
}

/** Settings for a shop this app sees for the first time: operators may change the delays. */
export function initialSettings(defaults: { preDelay?: string; postDelay?: string }): ShopSettings {
  return ShopSettingsSchema.parse({
    ...(defaults.preDelay ? { preDelay: defaults.preDelay } : {}),
    ...(defaults.postDelay
      ? { postDelayAfterFulfillment: defaults.postDelay, postDelayAfterDelivery: defaults.postDelay }
      : {}),
  });
}
