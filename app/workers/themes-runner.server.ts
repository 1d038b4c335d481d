import { logger } from "../logger.server";
import { checkThemeSpikes } from "../models/theme-spikes.server";
import { classifyPendingComments } from "../models/themes.server";

// One loop per process (shared with the Remix build through globalThis), started with the
// background work: an answer or a change of themes wakes it, a timer picks up what another
// process or a restart left.
const KEY = Symbol.for("nps.themes");
type State = { enabled: boolean; running: Promise<void> | null; again: boolean };
const state = ((globalThis as { [KEY]?: State })[KEY] ??= { enabled: false, running: null, again: false });

const BATCH = 1000;

/** Turns the loop on, or off after the batch under way (a shutdown does not wait for a backfill). */
export function enableThemeRunner(enabled: boolean): Promise<void> {
  state.enabled = enabled;
  return state.running ?? Promise.resolve();
}

/** Classifies every pending comment now, a batch at a time, yielding to requests between batches. */
export function classifyCommentsSoon(): Promise<void> {
  if (!state.enabled) return Promise.resolve();
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = (async () => {
    do {
      state.again = false;
      let total = 0;
      while (state.enabled) {
        const done = await classifyPendingComments(BATCH);
        total += done;
        if (done < BATCH) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (total > 0) {
        logger.info({ comments: total }, "comments classified");
        // New themes may make this week a spike for a shop's THEME_SPIKE rules.
        const spikes = await checkThemeSpikes();
        if (spikes > 0) logger.info({ spikes }, "theme spikes recorded");
      }
    } while (state.again && state.enabled);
  })()
    .catch((error: unknown) => logger.error({ err: (error as Error).message }, "comment classification stopped"))
    .finally(() => {
      state.running = null;
    });
  return state.running;
}
