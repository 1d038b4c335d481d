import { z } from "zod";

/**
 * A row's id as a URL or a form gives it: a positive whole number that fits PostgreSQL's
 * integer. Anything else is no row of the shop's (and past 2^31−1 the database would refuse
 * the query itself, a 500 rather than the page's own answer).
 */
const RowIdSchema = z
  .string()
  .regex(/^[1-9]\d{0,9}$/)
  .transform(Number)
  .pipe(z.number().max(2_147_483_647));

/** The id, or null when the text is none. */
export function rowId(text: unknown): number | null {
  const parsed = RowIdSchema.safeParse(text);
  return parsed.success ? parsed.data : null;
}
