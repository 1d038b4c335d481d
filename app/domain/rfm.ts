import type { RfmSegment } from "../generated/prisma/enums";

export type Score = 1 | 2 | 3 | 4 | 5;
export const SCORES: Score[] = [1, 2, 3, 4, 5];

/**
 * Shopify's customer RFM groups (CustomerRfmGroup) from 1-5 scores. Recency decides the
 * row (5 very recent, 3-4 recent, 1-2 not recent); frequency and spend together decide the
 * column, as fm = round((F + M) / 2): 4-5 many orders and the most spend, 3 some orders and
 * moderate spend, 1-2 few orders and low spend. docs/rfm-segments.md lists all 125 cases.
 */
export function segmentFor(r: Score, f: Score, m: Score): Exclude<RfmSegment, "PROSPECTS"> {
  const fm = Math.floor((f + m + 1) / 2);
  if (r === 5) return fm >= 4 ? "CHAMPIONS" : fm === 3 ? "ACTIVE" : "NEW";
  if (r === 4) return fm >= 4 ? "LOYAL" : fm === 3 ? "ACTIVE" : "PROMISING";
  if (r === 3) return fm >= 4 ? "LOYAL" : fm === 3 ? "NEEDS_ATTENTION" : "PROMISING";
  if (fm === 5) return "PREVIOUSLY_LOYAL";
  if (fm === 4) return "AT_RISK";
  if (fm === 3 || r === 2) return "ALMOST_LOST";
  return "DORMANT";
}

/** Every (R, F, M) combination with its segment, R, F and M from 5 down. */
export function segmentTable(): Array<{ r: Score; f: Score; m: Score; segment: RfmSegment }> {
  const rows = [];
  for (const r of [...SCORES].reverse())
    for (const f of [...SCORES].reverse())
      for (const m of [...SCORES].reverse()) rows.push({ r, f, m, segment: segmentFor(r, f, m) });
  return rows;
}

export const SEGMENT_NAMES: Record<RfmSegment, string> = {
  CHAMPIONS: "Champions",
  LOYAL: "Loyal",
  ACTIVE: "Active",
  PROMISING: "Promising",
  NEW: "New",
  NEEDS_ATTENTION: "Needs attention",
  AT_RISK: "At risk",
  ALMOST_LOST: "Almost lost",
  DORMANT: "Dormant",
  PREVIOUSLY_LOYAL: "Previously loyal",
  PROSPECTS: "Prospects",
};

/** The mapping as Markdown, for docs/rfm-segments.md (a test keeps the two equal). */
export function segmentTableMarkdown(): string {
  const lines = [
    "# RFM scores and segments",
    "",
    "Generated from `app/domain/rfm.ts` (`npm run docs:rfm`); a test checks that this page and the code agree.",
    "",
    "Per customer, over orders that are neither cancelled nor test orders, as of a date (UTC):",
    "",
    "- **R** (recency) = whole days from the UTC date of the last order to the as-of date;",
    "- **F** (frequency) = number of orders;",
    "- **M** (monetary) = sum of the orders' current totals, in the shop's currency.",
    "",
    "Each is scored 1 to 5 against the shop's other customers: the score is ⌈5 × share⌉,",
    "where *share* is the fraction of scored customers whose value is no better than this",
    "customer's (a lower recency, a higher frequency or spend is better). The boundaries are",
    "therefore the 20 %, 40 %, 60 % and 80 % points of the distribution, and customers with",
    "equal values always share a score: a block of equal values takes the score of the point",
    "where the block ends. Customers without a Shopify customer id (guest orders) are not",
    "scored; customers with no such order are **Prospects**.",
    "",
    "The segment comes from R and fm = round((F + M) / 2):",
    "",
    "| R \\ fm | 1 | 2 | 3 | 4 | 5 |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of [...SCORES].reverse()) {
    const cells = SCORES.map((fm) => SEGMENT_NAMES[segmentFor(r, fm, fm)]);
    lines.push(`| ${r} | ${cells.join(" | ")} |`);
  }
  lines.push("", "Every combination:", "", "| R | F | M | segment |", "| --- | --- | --- | --- |");
  for (const row of segmentTable()) lines.push(`| ${row.r} | ${row.f} | ${row.m} | ${SEGMENT_NAMES[row.segment]} |`);
  return `${lines.join("\n")}\n`;
}
