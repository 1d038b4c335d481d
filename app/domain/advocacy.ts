import { z } from "zod";
import type { ScoreCategory } from "../generated/prisma/enums";
import { SHOPPER_LOCALES } from "./shopper-locales";

/** Placeholders a product review URL may contain, filled from the answered order's main product. */
export const REVIEW_PLACEHOLDERS = ["{handle}", "{product_id}", "{shop_domain}"] as const;

/** Product review pages of the review apps merchants use most; {handle} is the product's handle. */
export const REVIEW_PRESETS = {
  judgeme: { label: "Judge.me", url: "https://{shop_domain}/products/{handle}#judgeme_product_reviews" },
  okendo: { label: "Okendo", url: "https://{shop_domain}/products/{handle}#oke-reviews" },
  yotpo: { label: "Yotpo", url: "https://{shop_domain}/products/{handle}#yotpo-reviews" },
  product: { label: "The product page", url: "https://{shop_domain}/products/{handle}" },
} as const;

const KNOWN_PLACEHOLDER = /\{(handle|product_id|shop_domain)\}/g;

/**
 * An https address, possibly with placeholders: in the path and query only ({shop_domain}
 * may be the whole host), and only known ones. Stored as typed; the address a shopper is
 * sent to is normalised (an international host or path encoded) when it is filled.
 */
const HttpsUrl = z
  .string()
  .trim()
  .max(500, "At most 500 characters")
  .superRefine((v, ctx) => {
    const unknown = v.replace(KNOWN_PLACEHOLDER, "").match(/\{[^}]*\}/);
    if (unknown) {
      ctx.addIssue({
        code: "custom",
        message: `${unknown[0]} is not a placeholder: use {handle}, {product_id} or {shop_domain}`,
      });
      return;
    }
    const host = /^https:\/\/([^/?#]*)/i.exec(v)?.[1];
    if (host !== undefined && host !== "{shop_domain}" && host.includes("{")) {
      ctx.addIssue({ code: "custom", message: "Placeholders belong in the path, not in the site's name" });
      return;
    }
    let url: URL | null = null;
    try {
      url = new URL(v.replace(/\{shop_domain\}/g, "shop.example").replace(KNOWN_PLACEHOLDER, "x"));
    } catch {
      url = null;
    }
    if (!url || url.protocol !== "https:" || !url.hostname.includes(".") || url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Enter an https:// address" });
    }
  });

/** A discount the app creates: amount, conditions and validity, and how its codes begin. */
function discountTermsSchema(defaults: { value: number; validDays: number; codePrefix: string }) {
  return z.object({
    /** A percentage of the order, or a fixed amount in the shop's currency. */
    type: z.enum(["percentage", "amount"]).default("percentage"),
    value: z
      .number({ message: "Enter the discount as a number" })
      .min(0.01, "Enter a discount of at least 0.01")
      .max(100_000, "At most 100,000")
      .default(defaults.value),
    /** The order must reach this subtotal (shop currency); null for none. */
    minimumSubtotal: z
      .number({ message: "Enter an amount" })
      .min(0.01, "Enter an amount of at least 0.01, or leave it empty")
      .max(1_000_000, "At most 1,000,000")
      .nullable()
      .default(null),
    /** Days a new code stays valid. */
    validDays: z
      .number({ message: "Enter a whole number of days" })
      .int("Enter a whole number of days")
      .min(1, "At least 1 day")
      .max(730, "At most 730 days")
      .default(defaults.validDays),
    /** What codes start with, before their random part: FRIEND-7K3Q9PXM. */
    codePrefix: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z0-9]{1,12}$/, "Use 1 to 12 letters A–Z or digits")
      .default(defaults.codePrefix),
  });
}

const percentageAtMost100 = (r: { type: string; value: number }, ctx: z.RefinementCtx) => {
  if (r.type === "percentage" && r.value > 100) {
    ctx.addIssue({ code: "custom", path: ["value"], message: "A percentage is at most 100" });
  }
};

/** The terms of any code the app created, as stored with it. */
export const DiscountTermsSchema = discountTermsSchema({ value: 10, validDays: 90, codePrefix: "FRIEND" });
export type DiscountTerms = z.infer<typeof DiscountTermsSchema>;

export const ReferralSettingsSchema = discountTermsSchema({ value: 10, validDays: 90, codePrefix: "FRIEND" })
  .extend({ enabled: z.boolean().default(false) })
  .superRefine(percentageAtMost100);
export type ReferralSettings = z.infer<typeof ReferralSettingsSchema>;

/** A merchant's wording of the apology email in one language; unset ones use the defaults. */
const onlyPlaceholders = (allowed: string[]) => (text: string, ctx: z.RefinementCtx) => {
  const unknown = [...text.matchAll(/\{[^}]*\}/g)].map((m) => m[0]).filter((p) => !allowed.includes(p));
  if (unknown.length > 0) {
    ctx.addIssue({
      code: "custom",
      message: `${unknown[0]} is not filled in here: use ${allowed.join(", ")}`,
    });
  }
};

export const ApologyTemplateSchema = z.object({
  subject: z
    .string()
    .trim()
    .min(1, "Write a subject")
    .max(200, "At most 200 characters")
    .superRefine(onlyPlaceholders(["{first_name}", "{order}", "{shop}"])),
  body: z
    .string()
    .trim()
    .min(1, "Write the message")
    .max(5000, "At most 5,000 characters")
    .superRefine(onlyPlaceholders(["{greeting}", "{first_name}", "{order}", "{shop}", "{offer}"])),
});

export const ApologySettingsSchema = discountTermsSchema({ value: 15, validDays: 60, codePrefix: "SORRY" })
  .extend({ templates: z.partialRecord(z.enum(SHOPPER_LOCALES), ApologyTemplateSchema).default({}) })
  .superRefine(percentageAtMost100);
export type ApologySettings = z.infer<typeof ApologySettingsSchema>;

export const ReviewSettingsSchema = z
  .object({
    /**
     * none; product: a product review page (URL template with {handle}), asked of promoters;
     * site: a public review site (Google, Trustpilot), whose terms forbid asking only happy
     * customers, so it is offered after every answer.
     */
    kind: z.enum(["none", "product", "site"]).default("none"),
    productUrl: HttpsUrl.nullable().default(null),
    siteUrl: HttpsUrl.nullable().default(null),
    siteName: z.string().trim().min(1).max(60, "At most 60 characters").nullable().default(null),
  })
  .superRefine((r, ctx) => {
    if (r.kind === "product") {
      if (!r.productUrl)
        ctx.addIssue({ code: "custom", path: ["productUrl"], message: "Enter the review page address" });
      else if (!/\{(handle|product_id)\}/.test(r.productUrl)) {
        ctx.addIssue({
          code: "custom",
          path: ["productUrl"],
          message: "The address must contain {handle} or {product_id}, so each shopper reviews what they bought",
        });
      }
    }
    if (r.kind === "site") {
      if (!r.siteUrl) ctx.addIssue({ code: "custom", path: ["siteUrl"], message: "Enter the review site's address" });
      else if (/\{[a-z_]+\}/.test(r.siteUrl)) {
        ctx.addIssue({ code: "custom", path: ["siteUrl"], message: "A review site's address has no placeholders" });
      }
      if (!r.siteName)
        ctx.addIssue({ code: "custom", path: ["siteName"], message: "Name the site, such as Trustpilot" });
    }
  });
export type ReviewSettings = z.infer<typeof ReviewSettingsSchema>;

export const AdvocacySettingsSchema = z.object({
  /** Also email the share step to a promoter after their answer (off by default). */
  shareEmail: z.boolean().default(false),
  referral: ReferralSettingsSchema.prefault({}),
  review: ReviewSettingsSchema.prefault({}),
  /** A detractor's second chance: the apology email sent from a case, with a one-time code. */
  apology: ApologySettingsSchema.prefault({}),
});
export type AdvocacySettings = z.infer<typeof AdvocacySettingsSchema>;

/** What the share step offers after an answer of this category. */
export function shareStepFor(
  category: ScoreCategory,
  advocacy: AdvocacySettings,
): { referral: boolean; review: "product" | "site" | null } {
  const promoter = category === "PROMOTER";
  const { kind } = advocacy.review;
  return {
    referral: promoter && advocacy.referral.enabled,
    // A public site is asked of everyone or no one: asking only promoters is review gating.
    review: kind === "site" ? "site" : kind === "product" && promoter ? "product" : null,
  };
}

/** Discount codes as orders carry them: Shopify matches them without regard to case. */
export function normaliseCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The title the app gives its discounts in Shopify, by which it knows them again. */
export function discountTitle(purpose: "REFERRAL" | "APOLOGY", code: string): string {
  return `NPS ${purpose === "REFERRAL" ? "referral" : "apology"} ${code}`;
}

/**
 * The discount as Shopify's discountCodeBasicCreate takes it (DiscountCodeBasicInput): a
 * referral code for anyone, each once; an apology code for one customer, once.
 */
export function discountInput(
  purpose: "REFERRAL" | "APOLOGY",
  terms: DiscountTerms,
  code: string,
  now: Date,
  customerGid: string | null = null,
) {
  if (purpose === "APOLOGY" && !customerGid) throw new Error("an apology code is for one customer");
  return {
    title: discountTitle(purpose, code),
    code,
    startsAt: now.toISOString(),
    endsAt: new Date(now.getTime() + terms.validDays * 86_400_000).toISOString(),
    context: purpose === "REFERRAL" ? { all: "ALL" } : { customers: { add: [customerGid] } },
    customerGets: {
      value:
        terms.type === "percentage"
          ? { percentage: terms.value / 100 }
          : { discountAmount: { amount: terms.value.toFixed(2), appliesOnEachItem: false } },
      items: { all: true },
    },
    // Referral: each friend once, any number of friends. Apology: once in all.
    appliesOncePerCustomer: true,
    usageLimit: purpose === "APOLOGY" ? 1 : null,
    minimumRequirement:
      terms.minimumSubtotal === null
        ? null
        : { subtotal: { greaterThanOrEqualToSubtotal: terms.minimumSubtotal.toFixed(2) } },
    combinesWith: { orderDiscounts: false, productDiscounts: false, shippingDiscounts: true },
  };
}

/** The friend's discount as a shopper reads it: "10%" or "€5.00". */
export function formatOffer(terms: Pick<ReferralSettings, "type" | "value">, locale: string, currency: string): string {
  if (terms.type === "percentage") {
    return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }).format(terms.value / 100);
  }
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(terms.value);
}

/** A product handle as Shopify derives it from a title when none is known: "Blue Mug (XL)" -> "blue-mug-xl". */
export function handleFromTitle(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** The review address for one answer: the template's placeholders filled and encoded. */
export function reviewTarget(
  review: ReviewSettings,
  values: { shopDomain: string; handle: string | null; productId: string | null },
): string | null {
  if (review.kind === "site") return review.siteUrl === null ? null : normaliseUrl(review.siteUrl);
  if (review.kind !== "product" || !review.productUrl) return null;
  const needsProduct = /\{(handle|product_id)\}/.test(review.productUrl);
  if (needsProduct && (!values.handle || !values.productId)) return null;
  const filled = review.productUrl.replace(KNOWN_PLACEHOLDER, (_m, key: string) =>
    encodeURIComponent(
      key === "handle" ? values.handle! : key === "product_id" ? values.productId! : values.shopDomain,
    ),
  );
  return normaliseUrl(filled);
}

/** An address as a Location header can carry it (an international host or path encoded), or null. */
export function normaliseUrl(address: string): string | null {
  try {
    const url = new URL(address);
    return url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
