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

/** Reads stored settings; a value that no longer validates falls back to its default. */
export function readSettings(stored: unknown): ShopSettings {
  const parsed = ShopSettingsSchema.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const object = (typeof stored === "object" && stored !== null ? stored : {}) as Record<string, unknown>;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return ShopSettingsSchema.parse(Object.fromEntries(Object.entries(object).filter(([k]) => !bad.has(k))));
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
