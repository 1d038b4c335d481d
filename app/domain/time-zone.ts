/** The IANA time zone if this runtime knows it, else null: days are counted in it, in SQL too. */
export function knownTimeZone(tz: string | null | undefined): string | null {
  if (!tz) return null;
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return tz;
  } catch {
    return null;
  }
}
