import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import type { ShopperLocale } from "../domain/shopper-locales";
import type { ApologySettings } from "../domain/advocacy";
import { escapeHtml } from "../lib/html";

export interface ApologyValues {
  shopName: string;
  orderName: string;
  firstName: string | null;
  /** With a code: the discount as the customer reads it ("15 %"), the code and its last day. */
  offer: { discount: string; code: string; validUntil: string } | null;
}

export interface RenderedApology {
  subject: string;
  text: string;
  html: string;
}

/**
 * The apology email in the customer's language, from the merchant's wording for that
 * language or the default. A code is always in it: a wording without {offer} gets the offer
 * after the message.
 */
export function renderApology(
  settings: ApologySettings,
  locale: ShopperLocale,
  values: ApologyValues,
): RenderedApology {
  const t = SHOPPER_TEXTS[locale].apology;
  const template = settings.templates[locale] ?? { subject: t.subject, body: t.body };
  const offer = values.offer
    ? fill(t.offer, { discount: values.offer.discount, code: values.offer.code, valid_until: values.offer.validUntil })
    : "";
  const common = {
    shop: values.shopName,
    order: values.orderName,
    first_name: values.firstName ?? "",
    greeting: values.firstName ? fill(t.greeting, { first_name: values.firstName }) : t.greetingNoName,
  };
  const body = values.offer && !template.body.includes("{offer}") ? `${template.body}\n\n{offer}` : template.body;
  // Paragraphs left empty (no code) close up.
  const text = fill(body, { ...common, offer })
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const html = text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
  return {
    subject: fill(template.subject, common).replace(/\s+/g, " ").trim(),
    text,
    html: `<div style="font-family:system-ui,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:36rem">${html}</div>`,
  };
}
