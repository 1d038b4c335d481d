import { queueInvitationSends } from "./jobs.server";
import { logger } from "./logger.server";
import { processInbox } from "./models/webhook-inbox.server";

// One drain loop per process (shared by the server and the Remix build through globalThis):
// a webhook wakes it after answering; it applies deliveries in batches until none is left.
const KEY = Symbol.for("nps.inbox");
type State = { running: Promise<void> | null; again: boolean };
const GATHER_MS = 50;
const state = ((globalThis as { [KEY]?: State })[KEY] ??= { running: null, again: false });

async function loop() {
  // Deliveries that arrive together are applied together: a burst becomes a few batches,
  // each a handful of statements, rather than a handful of statements per delivery.
  await new Promise((resolve) => setTimeout(resolve, GATHER_MS));
  do {
    state.again = false;
    for (;;) {
      const result = await processInbox();
      if (result.sends.length > 0) await queueInvitationSends(result.sends);
      if (result.processed === 0 && result.failed === 0) break;
      // Let waiting requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } while (state.again);
}

/** Starts applying received webhooks, or asks the running loop to look again; resolves when it is idle. */
export function drainInbox(): Promise<void> {
  if (state.running) {
    state.again = true;
    return state.running;
  }
  state.running = loop()
    .catch((error: unknown) => logger.error({ err: (error as Error).message }, "webhook inbox stopped"))
    .finally(() => {
      state.running = null;
    });
  return state.running;
}
