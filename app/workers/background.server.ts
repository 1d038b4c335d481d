import { enableActionRunner, productionActionDeps, runActionsSoon } from "../actions-runner.server";
import { pollBulkImportsNow } from "../bulk-runner.server";
import { drainInbox } from "../inbox-runner.server";
import { startJobs } from "../jobs.server";
import { classifyCommentsSoon, enableThemeRunner } from "./themes-runner.server";

/**
 * The background loops of a process that does background work (an app process in inline
 * mode, or a worker): the job queue (timed survey sends, sweeps, daily RFM, retention), the
 * webhook inbox, answer actions, comment themes and order-history imports, each also on a
 * timer that picks up what another process recorded or a restart left. Returns what stops
 * them, finishing what is under way.
 */
export async function startBackgroundWork(port: number): Promise<() => Promise<void>> {
  const stopJobs = await startJobs();
  const inboxTimer = setInterval(() => void drainInbox(), 5000);
  enableActionRunner(productionActionDeps(port));
  const actionsTimer = setInterval(() => void runActionsSoon(), 30_000);
  const importTimer = setInterval(() => void pollBulkImportsNow().catch(() => {}), 60_000);
  void enableThemeRunner(true);
  const themesTimer = setInterval(() => void classifyCommentsSoon(), 30_000);
  void runActionsSoon();
  void classifyCommentsSoon();
  void drainInbox();
  return async () => {
    clearInterval(importTimer);
    clearInterval(themesTimer);
    await enableThemeRunner(false);
    clearInterval(inboxTimer);
    await drainInbox();
    clearInterval(actionsTimer);
    await runActionsSoon();
    enableActionRunner(null);
    await stopJobs();
  };
}
