import { offlineAdmin } from "./admin.server";
import { pollBulkImports } from "./models/bulk-import.server";

/**
 * Advances running order-history exports with each shop's offline session: called when
 * bulk_operations/finish arrives and every minute, in case that webhook is lost.
 */
export function pollBulkImportsNow(): Promise<void> {
  return pollBulkImports(offlineAdmin);
}
