/** Languages every shopper-facing text exists in. */
export const SHOPPER_LOCALES = ["en", "fr", "de", "es", "nl"] as const;
export type ShopperLocale = (typeof SHOPPER_LOCALES)[number];

/** The languages' names as the admin shows them. */
export const LOCALE_NAMES: Record<ShopperLocale, string> = {
  en: "English",
  fr: "French",
  de: "German",
  es: "Spanish",
  nl: "Dutch",
};

function supported(locale: string | null | undefined): ShopperLocale | null {
  if (!locale) return null;
  const language = locale.trim().toLowerCase().split(/[-_]/)[0];
  return (SHOPPER_LOCALES as readonly string[]).includes(language ?? "") ? (language as ShopperLocale) : null;
}

/** The order's customer_locale, else the shop's primary locale, else English. */
export function chooseLocale(
  orderLocale: string | null | undefined,
  shopLocale: string | null | undefined,
): ShopperLocale {
  return supported(orderLocale) ?? supported(shopLocale) ?? "en";
}
