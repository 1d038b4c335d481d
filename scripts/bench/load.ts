/** One request's outcome: how long it took and whether it answered 2xx. */
export interface Sample {
  ms: number;
  ok: boolean;
}

/**
 * Sends `total` requests at `rate` per second, each on its own schedule (open loop), and
 * measures each from its scheduled start, so a slow server cannot slow the load down.
 */
export async function openLoop(rate: number, total: number, send: (i: number) => Promise<Response>): Promise<Sample[]> {
  const interval = 1000 / rate;
  const start = performance.now() + 50;
  const pending: Promise<Sample>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send(i).then(
        async (res) => {
          await res.arrayBuffer();
          return { ms: performance.now() - due, ok: res.ok };
        },
        () => ({ ms: performance.now() - due, ok: false }),
      ),
    );
  }
  return Promise.all(pending);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function latencySummary(samples: Sample[]) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.at(-1) ?? NaN,
    errors: samples.filter((s) => !s.ok).length,
  };
}
