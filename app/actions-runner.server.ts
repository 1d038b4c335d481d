import { mailer } from "./email/mailer.server";
import { env } from "./env.server";
import { logger } from "./logger.server";
import { type ActionDeps, runDueActions } from "./models/answer-actions.server";
import { runKlaviyoBackfills, runKlaviyoProfileSyncs } from "./integrations/klaviyo.server";

// One loop per process (shared with the Remix build through globalThis), started by the
// server: an answer wakes it; a timer catches retries and digests that fall due.
const KEY = Symbol.for("nps.actions");
type State = { deps: ActionDeps | null; running: Promise<void> | null; again: boolean };
const state = ((globalThis as { [KEY]?: State })[KEY] ??= { deps: null, running: null, again: false });

/** The server's dependencies: Shopify's Admin API through the shop's offline session, the mailer. */
export function productionActionDeps(port: number): ActionDeps {
  return {
    adminFor: async (shop) => (await import("./admin.server")).offlineAdmin(shop),
    mailer,
    appUrl: env().SHOPIFY_APP_URL ?? `http://localhost:${port}`,
  };
}

/** Whether this process carries out answer actions (the server enabled its runner). */
export function actionRunnerEnabled(): boolean {
  return state.deps !== null;
}

export function enableActionRunner(deps: ActionDeps | null): void {
  state.deps = deps;
}

/** Carries out due alerts, tags and Flow triggers now; nothing happens unless the server enabled it. */
export function runActionsSoon(): Promise<void> {
  if (!state.deps) return Promise.resolve();
  if (state.running) {
    state.again = true;
    return state.running;
  }
  const deps = state.deps;
  state.running = (async () => {
    do {
      state.again = false;
      const counts = await runDueActions(deps);
      if (counts.done + counts.failed + counts.retrying + counts.skipped > 0) logger.info(counts, "answer actions");
      // A new Klaviyo connection's past answers, a bulk job at a time between the live ones.
      const backfilled = await runKlaviyoBackfills({ batches: 5 });
      const profiles = await runKlaviyoProfileSyncs();
      if (profiles > 0) logger.info({ profiles }, "Klaviyo profiles updated");
      if (backfilled > 0) {
        logger.info({ answers: backfilled }, "Klaviyo backfill");
        state.again = true;
      }
    } while (state.again);
  })()
    .catch((error: unknown) => logger.error({ err: (error as Error).message }, "answer actions stopped"))
    .finally(() => {
      state.running = null;
    });
  return state.running;
}
