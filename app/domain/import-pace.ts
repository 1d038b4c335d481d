/**
 * How fast an import goes and how long it still needs, from what it has done since its rows
 * began to arrive: rows per second, and seconds left when the total is known (a Bulk
 * Operation's object count, or a file's estimated from the share of it read). Null before
 * there is anything to measure.
 */
export function importPace(p: {
  rowsDone: number;
  elapsedSeconds: number;
  expectedRows?: number | null;
}): { rowsPerSecond: number; secondsLeft: number | null } | null {
  if (p.rowsDone <= 0 || p.elapsedSeconds <= 0) return null;
  const rowsPerSecond = p.rowsDone / p.elapsedSeconds;
  const secondsLeft =
    p.expectedRows && p.expectedRows > 0 ? Math.max(0, p.expectedRows - p.rowsDone) / rowsPerSecond : null;
  return { rowsPerSecond, secondsLeft };
}

/** "about 2 min 5 s left", "about 40 s left", "less than a second left". */
export function timeLeft(seconds: number): string {
  return seconds < 1 ? "less than a second left" : `about ${formatDuration(seconds)} left`;
}

/** "2 min 5 s", "40 s", "under a second". */
export function formatDuration(seconds: number): string {
  if (seconds < 1) return "under a second";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
