import { csvLine } from "../lib/csv";
import type { NpsReport } from "../models/analytics.server";
import type { ThemeFigures, ThemeReport } from "../models/theme-analytics.server";

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

const STAGE_COLUMNS = ["n", "share", "nps", "ciLow", "ciHigh", "impact"] as const;

export const THEME_CSV_COLUMNS = [
  "key",
  "label",
  "n",
  "share",
  "promoters",
  "passives",
  "detractors",
  "nps",
  "ciLow",
  "ciHigh",
  "impact",
  "enoughAnswers",
  "differenceFromRest",
  "differenceLow",
  "differenceHigh",
  "significant",
  ...STAGE_COLUMNS.map((c) => `pre_${c}`),
  ...STAGE_COLUMNS.map((c) => `post_${c}`),
] as const;

/** A theme report as CSV: one row per theme, before and after delivery side by side. */
export function themeReportToCsv(report: ThemeReport): string {
  const stage = (f: ThemeFigures) => STAGE_COLUMNS.map((c) => f[c]);
  let text = csvLine([...THEME_CSV_COLUMNS]);
  for (const g of report.groups) {
    const c = g.comparison;
    text += csvLine([
      g.key,
      g.label,
      g.n,
      g.share,
      g.promoters,
      g.passives,
      g.detractors,
      g.nps,
      g.ciLow,
      g.ciHigh,
      g.impact,
      g.enoughAnswers,
      c?.difference,
      c?.ciLow,
      c?.ciHigh,
      c?.significant,
      ...stage(g.pre),
      ...stage(g.post),
    ]);
  }
  return text;
}
