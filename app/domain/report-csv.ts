import { csvLine } from "../lib/csv";
import type { NpsReport } from "../models/analytics.server";

export const REPORT_CSV_COLUMNS = [
  "key",
  "n",
  "promoters",
  "passives",
  "detractors",
  "promoterShare",
  "passiveShare",
  "detractorShare",
  "nps",
  "ciLow",
  "ciHigh",
  "enoughAnswers",
  "rank",
  "comparedWith",
  "difference",
  "differenceLow",
  "differenceHigh",
  "significant",
] as const;

/** A report as CSV: one row per group, the same figures as its JSON. */
export function reportToCsv(report: NpsReport): string {
  let text = csvLine([...REPORT_CSV_COLUMNS]);
  for (const g of report.groups) {
    const c = g.comparison;
    text += csvLine([
      g.key,
      g.n,
      g.promoters,
      g.passives,
      g.detractors,
      g.promoterShare,
      g.passiveShare,
      g.detractorShare,
      g.nps,
      g.ciLow,
      g.ciHigh,
      g.enoughAnswers,
      g.rank,
      c?.against,
      c?.difference,
      c?.ciLow,
      c?.ciHigh,
      c?.significant,
    ]);
  }
  return text;
}
