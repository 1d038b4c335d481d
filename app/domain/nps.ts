/** Counts of answers by category. */
export interface CategoryCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsEstimate {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Shares of the answers, 0..1. */
  promoterShare: number;
  passiveShare: number;
  detractorShare: number;
  /** Raw NPS on the -100..100 scale: 100 × (promoter share − detractor share). Null without answers. */
  nps: number | null;
  /** 95 % adjusted-Wald interval, -100..100, centred on the adjusted NPS. */
  ciLow: number | null;
  ciHigh: number | null;
}

const Z95 = 1.959963984540054;

/**
 * Var(NPS) for shares p (promoters) and d (detractors) of n answers, on the 0..1 scale:
 * (p + d − (p − d)²) / n. NPS is the mean of +1/0/−1 scores; this is that mean's variance.
 */
export function npsVariance(p: number, d: number, n: number): number {
  return (p + d - (p - d) ** 2) / n;
}

/** The adjusted shares and NPS (Rocks 2016): 3 more answers, 0.75 more promoters and detractors. */
function adjusted(c: CategoryCounts) {
  const n = c.promoters + c.passives + c.detractors + 3;
  const p = (c.promoters + 0.75) / n;
  const d = (c.detractors + 0.75) / n;
  return { n, p, d, center: p - d, variance: npsVariance(p, d, n) };
}

const clamp = (x: number) => Math.max(-100, Math.min(100, x));

/**
 * NPS with its 95 % adjusted-Wald confidence interval (MeasuringU): the interval is
 * (p′ − d′) ± 1.96 √((p′ + d′ − (p′ − d′)²) / (n + 3)), scaled to -100..100 and kept inside it.
 */
export function estimateNps(c: CategoryCounts): NpsEstimate {
  const n = c.promoters + c.passives + c.detractors;
  const a = adjusted(c);
  const half = Z95 * Math.sqrt(a.variance);
  return {
    n,
    ...c,
    promoterShare: n ? c.promoters / n : 0,
    passiveShare: n ? c.passives / n : 0,
    detractorShare: n ? c.detractors / n : 0,
    nps: n ? (100 * (c.promoters - c.detractors)) / n : null,
    ciLow: n ? clamp(100 * (a.center - half)) : null,
    ciHigh: n ? clamp(100 * (a.center + half)) : null,
  };
}

export interface NpsDifference {
  /** Raw NPS of a minus raw NPS of b. */
  difference: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** True only when the 95 % interval of the difference excludes zero. */
  significant: boolean;
}

/**
 * The difference between two independent groups' NPS (a vendor against the rest of the
 * shop, pre- against post-delivery, one period against the previous), with a 95 % interval
 * from the two adjusted estimates: (c_a − c_b) ± 1.96 √(Var_a + Var_b).
 */
export function compareNps(a: CategoryCounts, b: CategoryCounts): NpsDifference {
  const na = a.promoters + a.passives + a.detractors;
  const nb = b.promoters + b.passives + b.detractors;
  if (!na || !nb) return { difference: null, ciLow: null, ciHigh: null, significant: false };
  const [x, y] = [adjusted(a), adjusted(b)];
  const half = Z95 * Math.sqrt(x.variance + y.variance);
  const low = 100 * (x.center - y.center - half);
  const high = 100 * (x.center - y.center + half);
  return {
    difference: (100 * (a.promoters - a.detractors)) / na - (100 * (b.promoters - b.detractors)) / nb,
    ciLow: low,
    ciHigh: high,
    significant: low > 0 || high < 0,
  };
}

/**
 * What a group of answers does to the NPS of all of them, in points: the NPS of all answers
 * minus the NPS they would have without the group's. Negative when the group pulls the score
 * down (a complaint), positive when it lifts it (praise); null when either NPS is undefined.
 */
export function npsImpact(all: CategoryCounts, group: CategoryCounts): number | null {
  const rest = {
    promoters: all.promoters - group.promoters,
    passives: all.passives - group.passives,
    detractors: all.detractors - group.detractors,
  };
  const whole = estimateNps(all).nps;
  const without = estimateNps(rest).nps;
  return whole === null || without === null ? null : whole - without;
}
