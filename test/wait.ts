/** Long enough for a busy 2-core machine; a test that passes waits only as long as the work takes. */
export const DEADLINE_MS = 60_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it gives a truthy value, and returns that value. Tests wait for the
 * state they expect, never for a fixed time: work done by another process (or a queue) takes
 * as long as the machine lets it. A check that throws counts as "not yet"; the last error or
 * value is in the timeout's message.
 */
export async function waitFor<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = DEADLINE_MS, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`Waited ${timeoutMs / 1000} s for ${what}; last: ${detail}`);
    }
    await sleep(intervalMs);
  }
}
