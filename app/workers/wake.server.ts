import pg from "pg";
import { actionRunnerEnabled, runActionsSoon } from "../actions-runner.server";
import { pollBulkImportsNow } from "../bulk-runner.server";
import { openDatabase } from "../db.server";
import { env } from "../env.server";
import { drainInbox } from "../inbox-runner.server";
import { logger } from "../logger.server";
import { classifyCommentsSoon } from "./themes-runner.server";

/**
 * What a request leaves for the background: deliveries to apply, answer actions, imports to
 * advance, comments to classify.
 */
export type Work = "inbox" | "actions" | "imports" | "themes";
const WORK: readonly Work[] = ["inbox", "actions", "imports", "themes"];
const CHANNEL = "nps_work";
const KEY = Symbol.for("nps.worker-process");

/** Marks this process as a worker: it does the background work that app processes hand over. */
export function becomeWorker(): void {
  (globalThis as { [KEY]?: boolean })[KEY] = true;
}

/** Whether this process does background work itself (inline mode, or a worker). */
export function doesBackgroundWork(): boolean {
  return env().BACKGROUND_WORK === "inline" || (globalThis as { [KEY]?: boolean })[KEY] === true;
}

/** Whether answer actions are carried out soon: by this process's runner, or by workers. */
export function actionsRunSomewhere(): boolean {
  return env().BACKGROUND_WORK === "workers" || actionRunnerEnabled();
}

/** Does the work now, in this process. */
export function doWork(work: Work): Promise<void> {
  if (work === "inbox") return drainInbox();
  if (work === "actions") return runActionsSoon();
  if (work === "themes") return classifyCommentsSoon();
  return drainInbox().then(() => pollBulkImportsNow());
}

/**
 * Starts work that a request left: in this process when it does background work, otherwise a
 * PostgreSQL NOTIFY wakes a worker (which also looks every few seconds, in case it was down).
 */
export function wake(work: Work): void {
  if (doesBackgroundWork()) {
    void doWork(work).catch(() => {});
    return;
  }
  openDatabase()
    .sql.query("SELECT pg_notify($1, $2)", [CHANNEL, work])
    .catch((error: unknown) => logger.warn({ work, err: (error as Error).message }, "could not wake the workers"));
}

/**
 * A worker's ear: LISTEN on its own connection, doing the work each notification names;
 * reconnects after a lost connection. Returns what stops it.
 */
export async function listenForWork(url: string): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  // Until it is back: a server that is still down at the first retry is tried again.
  const reconnectLater = () => {
    if (stopped) return;
    retry = setTimeout(() => {
      connect().catch((error: unknown) => {
        logger.warn({ err: (error as Error).message }, "worker could not LISTEN again yet");
        reconnectLater();
      });
    }, 1000);
  };
  const connect = async () => {
    const c = new pg.Client({ connectionString: url });
    c.on("notification", (message) => {
      const work = message.payload as Work;
      if (WORK.includes(work)) void doWork(work).catch(() => {});
    });
    c.on("error", (error) => {
      logger.warn({ err: error.message }, "worker lost its LISTEN connection; reconnecting");
      void c.end().catch(() => {});
      reconnectLater();
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
    // Whatever was left while nobody listened.
    for (const work of WORK) void doWork(work).catch(() => {});
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
  };
}
