import { createReadStream } from "node:fs";
import prisma from "../db.server";
import { type BulkLineRow, BulkLineRowSchema, type BulkOrderRow, BulkOrderRowSchema } from "../domain/bulk-orders";
import type { OrderSnapshot } from "../domain/order-snapshot";
import type { ImportSource, Prisma } from "../generated/prisma/client";
import { parseJsonExact } from "../lib/json";
import { splitLines } from "../lib/lines";
import { ingestOrders } from "./order-ingest.server";
import { computeRfm } from "./rfm.server";
import { ensureShop } from "./shops.server";

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
        runningShop: null,
        finishedAt: new Date(),
        errors: [{ message: `Bulk operation ${op.status}${op.errorCode ? `: ${op.errorCode}` : ""}` }],
      },
    });
  }
  return { known: true, status: op.status };
}

export class ImportRunningError extends Error {}

/** Takes the shop's one import slot (running_shop is unique while an import runs). */
export async function claimImport(shop: string, source: ImportSource, bulkOperationId: string | null): Promise<number> {
  await ensureShop(shop);
  const claimed = await prisma.$queryRaw<{ id: number }[]>`
    INSERT INTO history_imports (shop, source, bulk_operation_id, running_shop)
    VALUES (${shop}, ${source}::"ImportSource", ${bulkOperationId}, ${shop})
    ON CONFLICT (running_shop) DO NOTHING
    RETURNING id`;
  if (!claimed[0]) throw new ImportRunningError(`An import of ${shop} is already running.`);
  return claimed[0].id;
}

export async function failImport(id: number, message: string) {
  await prisma.historyImport.updateMany({
    where: { id, status: "RUNNING" },
    data: { status: "FAILED", runningShop: null, finishedAt: new Date(), errors: [{ line: 0, message }] },
  });
}

/** The shop's latest import, for the admin's progress view. */
export async function latestImport(shop: string) {
  return prisma.historyImport.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } });
}

export interface ImportProgress {
  rows: number;
  orders: number;
  lines: number;
  invalidLines: number;
}

export interface ImportSummary extends ImportProgress {
  shop: string;
  customers: number;
  errors: Array<{ line: number; message: string }>;
  seconds: number;
}

const CHUNK = 2000;
const LISTED_ERRORS = 20;

function toSnapshot(o: BulkOrderRow): OrderSnapshot {
  return {
    shopifyId: o.id,
    name: o.name,
    // Only the thank-you page needs it, for orders placed after install.
    confirmationNumber: null,
    email: o.email || null,
    locale: o.customerLocale || null,
    currency: o.currentTotalPriceSet.shopMoney.currencyCode,
    currentTotal: o.currentTotalPriceSet.shopMoney.amount,
    totalPrice: o.totalPriceSet.shopMoney.amount,
    countryCode: o.shippingAddress?.countryCodeV2 || null,
    test: o.test,
    fulfillmentStatus: o.displayFulfillmentStatus?.toLowerCase() ?? null,
    createdAt: o.createdAt,
    processedAt: o.processedAt ?? null,
    updatedAt: o.updatedAt,
    cancelledAt: o.cancelledAt ?? null,
    // History is for RFM and dashboards: no fulfilment time, so no survey is ever scheduled from it.
    fulfilledAt: null,
    customer: o.customer
      ? { shopifyId: o.customer.id, email: null, firstName: null, lastName: null, locale: null, updatedAt: null }
      : null,
    lines: [],
  };
}

/**
 * Imports a Bulk Operation's JSONL of orders (one row per order, its line rows anywhere
 * after it), streaming with constant memory and set-based writes of CHUNK rows. Idempotent:
 * orders are upserted (never over newer data) and lines are unique per (order, line id), so
 * importing a file twice, or again after an interrupted run, gives the same data. A
 * malformed row is reported with its line number and the valid rest is imported. Ends by
 * recomputing RFM. Only one import per shop runs at a time.
 */
export async function importOrderHistory(
  shop: string,
  rows: AsyncIterable<string>,
  options: {
    source: ImportSource;
    bulkOperationId?: string;
    /** An import already claimed with claimImport (a Bulk Operation's). */
    runId?: number;
    onProgress?: (p: ImportProgress) => void;
  } = { source: "FILE" },
): Promise<ImportSummary> {
  const started = performance.now();
  await ensureShop(shop);
  const run = { id: options.runId ?? (await claimImport(shop, options.source, options.bulkOperationId ?? null)) };

  const progress: ImportProgress = { rows: 0, orders: 0, lines: 0, invalidLines: 0 };
  const errors: ImportSummary["errors"] = [];
  const invalid = (line: number, message: string) => {
    progress.invalidLines++;
    if (errors.length < LISTED_ERRORS) errors.push({ line, message });
  };
  let orders: BulkOrderRow[] = [];
  let lines: Array<BulkLineRow & { lineNumber: number }> = [];

  const flush = async () => {
    if (orders.length === 0 && lines.length === 0) return;
    const batchOrders = orders;
    const batchLines = lines;
    orders = [];
    lines = [];
    const orphans = await prisma.$transaction(
      async (tx) => {
        await ingestOrders(tx, shop, batchOrders.map(toSnapshot));
        if (batchLines.length === 0) return [];
        const parents = batchLines.map((l) => String(l.__parentId));
        await tx.$executeRaw`
          INSERT INTO order_lines (shop, order_id, shopify_line_id, product_id, vendor, quantity, amount)
          SELECT ${shop}, o.id, l.id::bigint, l.product_id::bigint, l.vendor, l.quantity::int, l.amount::numeric
          FROM unnest(${parents}::text[], ${batchLines.map((l) => String(l.id))}::text[],
                      ${batchLines.map((l) => (l.product ? String(l.product.id) : null))}::text[],
                      ${batchLines.map((l) => l.vendor ?? null)}::text[],
                      ${batchLines.map((l) => String(l.quantity))}::text[],
                      ${batchLines.map((l) => l.originalTotalSet.shopMoney.amount)}::text[])
               AS l(parent, id, product_id, vendor, quantity, amount)
          JOIN orders o ON o.shop = ${shop} AND o.shopify_id = l.parent::bigint
          ON CONFLICT (order_id, shopify_line_id) DO UPDATE SET
            product_id = EXCLUDED.product_id, vendor = EXCLUDED.vendor, quantity = EXCLUDED.quantity,
            amount = EXCLUDED.amount`;
        const known = await tx.$queryRaw<{ id: string }[]>`
          SELECT shopify_id::text AS id FROM orders
          WHERE shop = ${shop} AND shopify_id = ANY(${[...new Set(parents)]}::bigint[])`;
        const knownIds = new Set(known.map((k) => k.id));
        return batchLines.filter((l) => !knownIds.has(String(l.__parentId)));
      },
      { timeout: 120_000, maxWait: 60_000 },
    );
    for (const l of orphans) invalid(l.lineNumber, `line item before (or without) its order ${l.__parentId}`);
    progress.orders += batchOrders.length;
    progress.lines += batchLines.length - orphans.length;
    await prisma.historyImport.update({
      where: { id: run.id },
      data: { rowsDone: progress.rows, ordersDone: progress.orders, invalidRows: progress.invalidLines },
    });
    options.onProgress?.({ ...progress });
  };

  try {
    let lineNumber = 0;
    for await (const raw of rows) {
      lineNumber++;
      const text = raw.trim();
      if (text === "") continue;
      progress.rows++;
      let value: unknown;
      try {
        value = parseJsonExact(text);
      } catch {
        invalid(lineNumber, "not JSON");
        continue;
      }
      const isLine = typeof value === "object" && value !== null && "__parentId" in value;
      const parsed = (isLine ? BulkLineRowSchema : BulkOrderRowSchema).safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        invalid(lineNumber, `${isLine ? "line item" : "order"}: ${issue.path.join(".") || "row"} ${issue.message}`);
        continue;
      }
      if (isLine) lines.push({ ...(parsed.data as BulkLineRow), lineNumber });
      else orders.push(parsed.data as BulkOrderRow);
      if (orders.length + lines.length >= CHUNK) await flush();
    }
    await flush();
    await computeRfm(shop, new Date().toISOString().slice(0, 10));
    const customers = await prisma.customer.count({ where: { shop } });
    await prisma.historyImport.update({
      where: { id: run.id },
      data: { status: "COMPLETED", runningShop: null, finishedAt: new Date(), errors },
    });
    return { shop, ...progress, customers, errors, seconds: Math.round((performance.now() - started) / 100) / 10 };
  } catch (error) {
    await prisma.historyImport.update({
      where: { id: run.id },
      data: {
        status: "FAILED",
        runningShop: null,
        finishedAt: new Date(),
        errors: [...errors, { line: 0, message: (error as Error).message.slice(0, 500) }],
      },
    });
    throw error;
  }
}

/**
 * The lines of a file, for importOrderHistory, read with the stream's own backpressure.
 * (node:readline's async iterator was seen dropping lines here while the loop awaited
 * database writes.)
 */
export function fileLines(path: string): AsyncGenerator<string> {
  return splitLines(createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 16 }) as AsyncIterable<string>);
}
