import { AnalyticsFiltersSchema, type AnalyticsFilters } from "./domain/analytics-filters";

/** The filters in a page's URL; a bad one answers 400 with what was wrong, never a guess. */
export function filtersFromUrl(request: Request): AnalyticsFilters {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const parsed = AnalyticsFiltersSchema.safeParse(params);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
    throw new Response(`This link has a filter the page cannot use: ${problems}.`, {
      status: 400,
      statusText: "Bad filter",
    });
  }
  return parsed.data;
}
