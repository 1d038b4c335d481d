import prisma from "../db.server";
import { BULK_ORDERS_QUERY } from "../domain/bulk-orders";
import { adminQuery, type AdminGraphql } from "../lib/admin-graphql";
import { splitLines } from "../lib/lines";
import { logger } from "../logger.server";
import {
  claimImport,
  failImport,
  ImportAlreadyReadError,
  importOrderHistory,
  type ImportSummary,
  releaseStalledImports,
} from "./history-import.server";

export const START_BULK_OPERATION = `#graphql
  mutation StartOrderHistoryExport($query: String!) {
    bulkOperationRunQuery(query: $query) {
      bulkOperation {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const BULK_OPERATION_STATUS = `#graphql
  query OrderHistoryExportStatus($id: ID!) {
    node(id: $id) {
      ... on BulkOperation {
        id
        status
        errorCode
        objectCount
        url
        partialDataUrl
      }
    }
  }
`;

interface StartResult {
  bulkOperationRunQuery: {
    bulkOperation: { id: string; status: string } | null;
    userErrors: Array<{ field: string[] | null; message: string }>;
  };
}

interface StatusResult {
  node: {
    id: string;
    status: string;
    errorCode: string | null;
    objectCount: string;
    url: string | null;
    partialDataUrl: string | null;
  } | null;
}

/**
 * Starts the import of the shop's whole order history: a Bulk Operation over all orders
 * (read_all_orders reaches beyond 60 days). Shopify announces its end with
 * bulk_operations/finish; pollBulkImports also asks, in case that webhook is lost.
 */
export async function startHistoryImport(shop: string, graphql: AdminGraphql): Promise<{ importId: number }> {
  const importId = await claimImport(shop, "BULK_OPERATION", null);
  try {
    const data = await adminQuery<StartResult>(graphql, START_BULK_OPERATION, { query: BULK_ORDERS_QUERY });
    const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
    if (!bulkOperation)
      throw new Error(userErrors.map((e) => e.message).join("; ") || "Shopify did not start the export");
    await prisma.historyImport.update({ where: { id: importId }, data: { bulkOperationId: bulkOperation.id } });
    logger.info({ shop, bulkOperationId: bulkOperation.id }, "order history export started");
    return { importId };
  } catch (error) {
    await failImport(importId, (error as Error).message);
    throw error;
  }
}

/** The lines of a downloaded file, as they arrive (a chunk's worth at a time). */
async function* downloadLines(url: string): AsyncGenerator<string[]> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`Downloading the export failed: HTTP ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  async function* chunks() {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  }
  yield* splitLines(chunks());
}

/**
 * Checks one running Bulk Operation import: when Shopify has finished, downloads the JSONL
 * and ingests it; when the operation failed, the import fails with Shopify's reason.
 */
export async function advanceBulkImport(
  importId: number,
  graphql: AdminGraphql,
): Promise<{ state: "running" | "failed" } | { state: "completed"; summary: ImportSummary }> {
  const run = await prisma.historyImport.findUniqueOrThrow({ where: { id: importId } });
  if (run.status !== "RUNNING" || !run.bulkOperationId)
    return { state: run.status === "FAILED" ? "failed" : "running" };
  const { node } = await adminQuery<StatusResult>(graphql, BULK_OPERATION_STATUS, { id: run.bulkOperationId });
  if (!node || ["FAILED", "CANCELED", "CANCELING", "EXPIRED"].includes(node.status)) {
    await failImport(
      importId,
      `Shopify's export ${node?.status.toLowerCase() ?? "was not found"}${node?.errorCode ? `: ${node.errorCode}` : ""}`,
    );
    return { state: "failed" };
  }
  if (node.status !== "COMPLETED") return { state: "running" };
  await prisma.historyImport.update({ where: { id: importId }, data: { expectedRows: Number(node.objectCount) } });
  if (!node.url) {
    // A completed export of a shop without orders has no file.
    const summary = await importOrderHistory(run.shop, (async function* () {})(), {
      source: "BULK_OPERATION",
      runId: importId,
    });
    return { state: "completed", summary };
  }
  try {
    const summary = await importOrderHistory(run.shop, downloadLines(node.url), {
      source: "BULK_OPERATION",
      runId: importId,
    });
    return { state: "completed", summary };
  } catch (error) {
    // Another poll is reading it: that one finishes or fails the run.
    if (!(error instanceof ImportAlreadyReadError)) await failImport(importId, (error as Error).message);
    throw error;
  }
}

/** Every running Bulk Operation import: advance each with its shop's Admin API client. */
export async function pollBulkImports(adminFor: (shop: string) => Promise<AdminGraphql | null>) {
  await releaseStalledImports();
  const running = await prisma.historyImport.findMany({
    // Not those whose file is being read (by this process or another).
    where: { status: "RUNNING", source: "BULK_OPERATION", bulkOperationId: { not: null }, rowsStartedAt: null },
    select: { id: true, shop: true },
  });
  for (const run of running) {
    const graphql = await adminFor(run.shop);
    if (!graphql) continue;
    try {
      await advanceBulkImport(run.id, graphql);
    } catch (error) {
      if (error instanceof ImportAlreadyReadError) continue;
      logger.warn({ shop: run.shop, importId: run.id, err: (error as Error).message }, "history import failed");
    }
  }
}
