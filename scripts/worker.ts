import { closeOnSignals } from "../server";
import { startWorker } from "../app/workers/worker.server";

// npm run worker: background work beside app processes started with BACKGROUND_WORK=workers
// (PostgreSQL only; see the README's "Scaling out").
startWorker().then(closeOnSignals, (error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
