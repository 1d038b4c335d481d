import type { Prisma } from "../generated/prisma/client";

type Tx = Prisma.TransactionClient;

/**
 * bulk_operations/finish: notes on the shop's running import that Shopify finished the
 * operation. Downloading and ingesting the result is the import job's work.
 */
export async function recordBulkOperationFinished(
  tx: Tx,
  shop: string,
  op: { bulkOperationId: string; status: string; errorCode: string | null },
) {
  const running = await tx.historyImport.findFirst({
    where: { shop, bulkOperationId: op.bulkOperationId, status: "RUNNING" },
  });
  if (!running) return { known: false };
  if (op.status !== "completed") {
    await tx.historyImport.update({
      where: { id: running.id },
      data: {
        status: "FAILED",
        finishedAt: new Date(),
        errors: [{ message: `Bulk operation ${op.status}${op.errorCode ? `: ${op.errorCode}` : ""}` }],
      },
    });
  }
  return { known: true, status: op.status };
}
