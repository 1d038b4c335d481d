/**
 * A theme's weekly share of answers and its spikes, and whether a group (a brand, a segment)
 * mentions a theme more than the rest of the view.
 */

/** Weeks before a week that make its baseline. */
export const SPIKE_BASELINE_WEEKS = 8;
/** A spike needs at least this many mentions in its week: fewer are anecdotes. */
export const SPIKE_MIN_MENTIONS = 5;
/** A week whose count would happen less often than this at the baseline's share is a spike. */
export const SPIKE_P_VALUE = 0.001;

export interface WeekCount {
  /** Monday of the week, YYYY-MM-DD. */
  week: string;
  /** Answers of the week (with a comment or not). */
  answers: number;
  /** Of which mention the theme. */
  mentions: number;
}

export interface WeekShare extends WeekCount {
  share: number | null;
  /** The share in the eight weeks before (null without answers there). */
  baseline: number | null;
  /** P(at least this many mentions | this week's answers, the baseline's share). */
  pValue: number | null;
  spike: boolean;
}

/**
 * P(X ≥ k) for X ~ Binomial(n, p), summed in log space from k upwards (terms shrink fast
 * past the mean, so the loop stops once they no longer count).
 */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  let logTerm = logChoose(n, k) + k * logP + (n - k) * logQ;
  let sum = 0;
  for (let i = k; i <= n; i++) {
    const term = Math.exp(logTerm);
    sum += term;
    if (term < sum * 1e-12 && i > n * p) break;
    // C(n, i+1) / C(n, i) = (n - i) / (i + 1)
    logTerm += Math.log((n - i) / (i + 1)) + logP - logQ;
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i++) LOG_FACTORIALS.push(LOG_FACTORIALS[i - 1]! + Math.log(i));
  return LOG_FACTORIALS[n]!;
}

/** Mondays from `from` to `to` (both Mondays), oldest first. */
export function weeksBetween(from: string, to: string): string[] {
  const weeks: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 7 * 86_400_000) {
    weeks.push(new Date(t).toISOString().slice(0, 10));
  }
  return weeks;
}

/** The Monday of a day's week, YYYY-MM-DD (weeks as PostgreSQL's date_trunc('week') counts them). */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/**
 * Each week's share and whether it is a spike: a one-sided exact binomial test of the week's
 * mentions against the share of the eight weeks before (a half mention added to the baseline,
 * so that a theme never mentioned before can still spike), p below 0.001, and at least five
 * mentions. `weeks` must be consecutive, oldest first, including the eight weeks before the
 * first one to be judged.
 */
export function weeklyShares(weeks: WeekCount[]): WeekShare[] {
  return weeks.map((w, i) => {
    const before = weeks.slice(Math.max(0, i - SPIKE_BASELINE_WEEKS), i);
    const baseAnswers = before.reduce((s, b) => s + b.answers, 0);
    const baseMentions = before.reduce((s, b) => s + b.mentions, 0);
    const share = w.answers > 0 ? w.mentions / w.answers : null;
    if (baseAnswers === 0 || w.answers === 0) return { ...w, share, baseline: null, pValue: null, spike: false };
    const baseline = baseMentions / baseAnswers;
    const pValue = binomialUpperTail(w.mentions, w.answers, (baseMentions + 0.5) / (baseAnswers + 1));
    const spike = w.mentions >= SPIKE_MIN_MENTIONS && share! > baseline && pValue < SPIKE_P_VALUE;
    return { ...w, share, baseline, pValue, spike };
  });
}

/**
 * Whether a group's share of mentions is above the rest of the view's: a two-proportion
 * z-test (pooled), two-sided at 95 %. Null when either side has no answers.
 */
export function shareDifference(mentions: number, answers: number, restMentions: number, restAnswers: number) {
  if (answers === 0 || restAnswers === 0) return null;
  const a = mentions / answers;
  const b = restMentions / restAnswers;
  const pooled = (mentions + restMentions) / (answers + restAnswers);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / answers + 1 / restAnswers));
  const z = se === 0 ? 0 : (a - b) / se;
  return { difference: a - b, z, significant: Math.abs(z) >= 1.959963984540054 };
}
