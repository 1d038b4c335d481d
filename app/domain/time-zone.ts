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

/** A moment as the shop's merchants read a date ("Dec 31, 2026"), in the shop's time zone. */
export function shopDate(iso: string, tz: string | null | undefined): string {
  return new Date(iso).toLocaleDateString("en", { dateStyle: "medium", timeZone: knownTimeZone(tz) ?? "UTC" });
}
