/**
 * JSON.parse that keeps integers beyond 2^53 exact, as bigint. Shopify's documented
 * example payloads carry ids such as 820982911946154508 that plain JSON.parse rounds.
 */
export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    if (
      typeof value === "number" &&
      !Number.isSafeInteger(value) &&
      context?.source &&
      /^-?\d+$/.test(context.source)
    ) {
      return BigInt(context.source);
    }
    return value;
  });
}

/** JSON.stringify that writes bigint as a JSON number with all its digits. */
export function stringifyJson(value: unknown, space?: number): string {
  // A marker JSON.stringify leaves as is (control characters would come out escaped).
  const marker = "@@nps-bigint@@";
  const text = JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${marker}${v}` : v), space);
  return text.replace(new RegExp(`"${marker}(-?\\d+)"`, "g"), "$1");
}
