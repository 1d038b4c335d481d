import { closeDatabase, migrateDatabase, openDatabase } from "../db.server";
import { env } from "../env.server";
import { encryptionKey } from "../lib/secrets.server";
import { logger } from "../logger.server";
import { startBackgroundWork } from "./background.server";
import { becomeWorker, listenForWork } from "./wake.server";

/**
 * A worker process (`npm run worker`): the app's background work without serving requests,
 * beside app processes started with BACKGROUND_WORK=workers, any number of each on one
 * PostgreSQL. App processes wake workers with NOTIFY; deliveries, sends and actions are
 * claimed with SKIP LOCKED, so each is done once whichever worker takes it.
 */
export async function startWorker(): Promise<{ close: () => Promise<void> }> {
  const e = env();
  if (!e.DATABASE_URL) {
    throw new Error(
      "npm run worker needs PostgreSQL (DATABASE_URL): the embedded database is opened by one process, " +
        "which does its background work itself.",
    );
  }
  // It reads and writes the secrets merchants enter (Slack URLs) as the app does.
  encryptionKey();
  becomeWorker();
  const db = openDatabase();
  const applied = await migrateDatabase(db);
  logger.info({ database: db.kind, location: db.location, migrationsApplied: applied }, "worker: database ready");
  const stopBackground = await startBackgroundWork(e.PORT);
  const stopListening = await listenForWork(e.DATABASE_URL);
  logger.info("worker ready");
  return {
    close: async () => {
      await stopListening();
      await stopBackground();
      await closeDatabase();
    },
  };
}
