import { logger } from "./logger.server";
import { pollBulkImports } from "./models/bulk-import.server";
import { unauthenticated } from "./shopify.server";

/**
 * Advances running order-history exports with each shop's offline session: called when
 * bulk_operations/finish arrives and every minute, in case that webhook is lost.
 */
export function pollBulkImportsNow(): Promise<void> {
  return pollBulkImports(async (shop) => {
    try {
      return (await unauthenticated.admin(shop)).admin.graphql;
    } catch (error) {
      logger.warn({ shop, err: (error as Error).message }, "no Admin API access for the shop's import");
      return null;
    }
  });
}
