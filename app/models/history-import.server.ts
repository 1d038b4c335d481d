import { createReadStream, statSync } from "node:fs";
import prisma, { openDatabase } from "../db.server";
import {
  type BulkLineRow,
  BulkLineRowSchema,
  type BulkOrderRow,
  BulkOrderRowSchema,
  gidNumber,
} from "../domain/bulk-orders";
import { type ImportSource, Prisma } from "../generated/prisma/client";
import { splitLines } from "../lib/lines";
import { upsertOrders } from "./order-ingest.server";
import { refreshCustomerWorth } from "./customer-worth.server";
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
/** Another process (or poll) is already reading this run's file. */
export class ImportAlreadyReadError extends ImportRunningError {}

/** A run that has not touched heartbeat_at for this long while reading has lost its process. */
const STALLED_AFTER_MINUTES = 10;

/**
 * Runs whose process ended while reading their file (a crash, Ctrl-C): a file's is failed, so
 * that the shop can import again; a Bulk Operation's is read again by the next poll (imports
 * are idempotent). Returns how many were released.
 */
export async function releaseStalledImports(): Promise<number> {
  const failed = await prisma.$executeRaw`
    UPDATE history_imports
    SET status = 'FAILED', running_shop = NULL, finished_at = now(),
        errors = errors || '[{"line": 0, "message": "stopped: the process reading the file ended"}]'::jsonb
    WHERE status = 'RUNNING' AND source = 'FILE'
      AND COALESCE(heartbeat_at, started_at) < now() - ${STALLED_AFTER_MINUTES} * interval '1 minute'`;
  const again = await prisma.$executeRaw`
    UPDATE history_imports SET rows_started_at = NULL, heartbeat_at = NULL
    WHERE status = 'RUNNING' AND source = 'BULK_OPERATION' AND rows_started_at IS NOT NULL
      AND heartbeat_at < now() - ${STALLED_AFTER_MINUTES} * interval '1 minute'`;
  return failed + again;
}

/** Takes the shop's one import slot (running_shop is unique while an import runs). */
export async function claimImport(shop: string, source: ImportSource, bulkOperationId: string | null): Promise<number> {
  await ensureShop(shop);
  await releaseStalledImports();
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
  /** Rows applied (read and written). */
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

/** Rows per staged chunk: one COPY per table and one transaction each. */
const CHUNK = 20_000;
const LISTED_ERRORS = 20;
/** Times a chunk's transaction is done again after PostgreSQL ended it to break a deadlock. */
const DEADLOCK_RETRIES = 5;
/** Rows the database refused inside one chunk before the import gives up. */
const REFUSED_ROWS_PER_CHUNK = 100;

const ORDER_COLUMNS =
  "(line_no, shopify_id, name, email, locale, currency, current_total, total_price, country_code, test, " +
  "fulfillment_status, created_at, processed_at, updated_at, cancelled_at, customer_shopify_id)";
const LINE_COLUMNS =
  "(line_no, order_shopify_id, order_updated_at, shopify_line_id, product_id, vendor, quantity, amount)";

/** A run's own staging tables (see ImportStagedOrder in prisma/schema.prisma). */
const stagingTables = (runId: number) => ({
  orders: `import_staged_orders_${Math.trunc(runId)}`,
  lines: `import_staged_lines_${Math.trunc(runId)}`,
});

const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };
/** A value in COPY's text format. */
function copyValue(v: string | null | undefined): string {
  if (v === null || v === undefined) return "\\N";
  return /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]!) : v;
}

function orderRow(lineNo: number, o: BulkOrderRow): string {
  return [
    String(lineNo),
    gidNumber(o.id),
    copyValue(o.name),
    copyValue(o.email || null),
    copyValue(o.customerLocale || null),
    copyValue(o.currentTotalPriceSet.shopMoney.currencyCode),
    o.currentTotalPriceSet.shopMoney.amount,
    o.totalPriceSet.shopMoney.amount,
    copyValue(o.shippingAddress?.countryCodeV2 || null),
    o.test ? "t" : "f",
    copyValue(o.displayFulfillmentStatus?.toLowerCase()),
    o.createdAt,
    o.processedAt ?? "\\N",
    o.updatedAt,
    o.cancelledAt ?? "\\N",
    o.customer ? gidNumber(o.customer.id) : "\\N",
  ].join("\t");
}

function lineRow(lineNo: number, l: BulkLineRow, parentUpdatedAt: string | undefined): string {
  return [
    String(lineNo),
    gidNumber(l.__parentId),
    parentUpdatedAt ?? "\\N",
    gidNumber(l.id),
    l.product ? gidNumber(l.product.id) : "\\N",
    copyValue(l.vendor),
    String(l.quantity),
    l.originalTotalSet.shopMoney.amount,
  ].join("\t");
}

/**
 * Rows on their way to one staging table, in COPY's format, with the file line each came from.
 * They are written into a buffer that the run's later chunks reuse: held as strings until
 * their chunk was applied, they outlived V8's young generation and piled up as garbage in
 * the old one until a full collection.
 */
class Staged {
  private data: Buffer<ArrayBuffer> = Buffer.allocUnsafe(1 << 20);
  private size = 0;
  /** Where each row ends in data, its newline included. */
  private ends: number[] = [];
  lineNos: number[] = [];

  get count() {
    return this.ends.length;
  }

  add(lineNo: number, row: string) {
    // At most three bytes of UTF-8 per UTF-16 unit, and the newline.
    if (this.size + row.length * 3 + 1 > this.data.length) {
      const larger = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.size + row.length * 3 + 1));
      this.data.copy(larger, 0, 0, this.size);
      this.data = larger;
    }
    this.size += this.data.write(row, this.size);
    this.data[this.size++] = 0x0a;
    this.ends.push(this.size);
    this.lineNos.push(lineNo);
  }

  /** What COPY reads: every row, each ending with a newline (valid until the next reset). */
  copyData(): Buffer<ArrayBuffer> {
    return this.data.subarray(0, this.size);
  }

  /** Leaves out the row at this index (one the database refused). */
  remove(index: number) {
    const start = index === 0 ? 0 : this.ends[index - 1]!;
    const length = this.ends[index]! - start;
    this.data.copy(this.data, start, start + length, this.size);
    this.size -= length;
    this.ends.splice(index, 1);
    for (let i = index; i < this.ends.length; i++) this.ends[i]! -= length;
    this.lineNos.splice(index, 1);
  }

  /** Empty, for another chunk, keeping its buffer. */
  reset() {
    this.size = 0;
    this.ends.length = 0;
    this.lineNos.length = 0;
  }
}

interface Chunk {
  orders: Staged;
  lines: Staged;
  /** Rows read up to the end of this chunk, for the progress stored with it. */
  rowsRead: number;
}

/**
 * Imports a Bulk Operation's JSONL of orders (one row per order, its line rows anywhere
 * after it) on PostgreSQL's bulk path: rows are parsed (plain JSON.parse: ids are gid
 * strings, so no integer exceeds 2^53) and validated with zod, written in chunks of CHUNK
 * rows to the run's staging tables with COPY, and applied set-based in two transactions per
 * chunk, each emptying its staging table: customers and orders, then lines. A chunk's orders
 * go in while the previous chunk's lines do and the next chunk is parsed; at most two parsed
 * chunks wait, whatever the file's size. Idempotent: orders are upserted (never over newer
 * data) and lines are unique per (order, line id), so importing a file twice, or again after
 * an interrupted run, gives the same data. A malformed row, or one the database refuses, is
 * reported with its line number and the valid rest is imported. Ends by refreshing the
 * planner's statistics of the tables it filled and recomputing RFM. One import per shop at a
 * time.
 */
export async function importOrderHistory(
  shop: string,
  rows: AsyncIterable<string[]>,
  options: {
    source: ImportSource;
    bulkOperationId?: string;
    /** An import already claimed with claimImport (a Bulk Operation's). */
    runId?: number;
    /** After each chunk is written; rowsRead runs ahead of rows while later chunks wait. */
    onProgress?: (p: ImportProgress & { rowsRead: number }) => void;
  } = { source: "FILE" },
): Promise<ImportSummary> {
  const started = performance.now();
  await ensureShop(shop);
  const runId = options.runId ?? (await claimImport(shop, options.source, options.bulkOperationId ?? null));
  const db = openDatabase();

  const progress: ImportProgress = { rows: 0, orders: 0, lines: 0, invalidLines: 0 };
  const errors: ImportSummary["errors"] = [];
  const invalid = (line: number, message: string) => {
    progress.invalidLines++;
    if (errors.length < LISTED_ERRORS) errors.push({ line, message });
    // Listed in line order, though a refusal by the database comes after later rows' errors.
    errors.sort((a, b) => a.line - b.line);
  };

  /** COPY into a staging table; a row the database refuses is reported and left out. */
  const copy = async (target: string, staged: Staged) => {
    for (let refused = 0; staged.count > 0; refused++) {
      try {
        await db.copyFrom(target, staged.copyData());
        return;
      } catch (error) {
        const at = /, line (\d+)/.exec((error as { where?: string }).where ?? "");
        if (!at || refused >= REFUSED_ROWS_PER_CHUNK) throw error;
        const index = Number(at[1]) - 1;
        invalid(staged.lineNos[index]!, `refused by the database: ${(error as Error).message}`);
        staged.remove(index);
      }
    }
  };

  const tables = stagingTables(runId);
  const staged = { orders: Prisma.raw(tables.orders), lines: Prisma.raw(tables.lines) };
  const transaction = <T>(work: (tx: Prisma.TransactionClient) => Promise<T>) =>
    prisma.$transaction(
      async (tx) => {
        // Statements this size cross PostgreSQL's cost threshold for JIT compilation, which
        // costs more than it saves on them (measured: 50 ms of a 300 ms statement).
        await tx.$executeRawUnsafe("SET LOCAL jit = off");
        return work(tx);
      },
      { timeout: 10 * 60_000, maxWait: 60_000 },
    );

  /**
   * A chunk's transaction. Again with the rows de-duplicated when the file repeats an order or
   * a line within the chunk: rare, and an upsert meeting its own row twice refuses the statement
   * (cardinality_violation), so only then is the transaction done twice. Again, too, when
   * PostgreSQL chose it to end a deadlock: a chunk's orders and the previous chunk's lines go in
   * at once, and a file that repeats those orders in another order locks them the other way
   * round (each attempt starts from the same staged rows).
   */
  const applyChunk = async <T>(work: (tx: Prisma.TransactionClient, repeats: boolean) => Promise<T>) => {
    let repeats = false;
    for (let deadlocks = 0; ;) {
      try {
        return await transaction((tx) => work(tx, repeats));
      } catch (error) {
        const code = databaseCause(error)?.code;
        if (code === "21000" && !repeats) repeats = true;
        else if (code === "40P01" && ++deadlocks <= DEADLOCK_RETRIES) continue;
        else throw error;
      }
    }
  };

  let analyzed = false;
  const applyOrders = async (chunk: Chunk) => {
    await copy(`${tables.orders} ${ORDER_COLUMNS}`, chunk.orders);
    await applyChunk(async (tx, repeats) => {
      // Customers first (the import knows only their ids); one erased earlier arrives erased.
      await tx.$executeRaw`
        INSERT INTO customers (shop, shopify_id, redacted_at)
        SELECT ${shop}, s.id, r.redacted_at
        FROM (SELECT DISTINCT customer_shopify_id AS id FROM ${staged.orders}
              WHERE customer_shopify_id IS NOT NULL) s
        LEFT JOIN redactions r ON r.shop = ${shop} AND r.kind = 'customer' AND r.shopify_id = s.id
        ORDER BY s.id
        ON CONFLICT (shop, shopify_id) DO NOTHING`;
      // The newest row of an order that the file repeats.
      const applied = await upsertOrders(
        tx,
        shop,
        Prisma.sql`(
          SELECT ${repeats ? Prisma.sql`DISTINCT ON (shopify_id)` : Prisma.empty}
                 shopify_id AS id, name, NULL::text AS confirmation_number,
                 customer_shopify_id AS customer_id, email, locale, currency, current_total, total_price,
                 country_code AS country, test, fulfillment_status, created_at, processed_at, updated_at,
                 cancelled_at,
                 -- History has no fulfilment time: no survey is ever scheduled from it.
                 NULL::timestamptz AS fulfilled_at
          FROM ${staged.orders}
          ${repeats ? Prisma.sql`ORDER BY shopify_id, updated_at DESC, line_no DESC` : Prisma.empty}) AS u`,
      );
      // An order replaced by this file's row takes its lines from the file.
      const replaced = applied.filter((a) => !a.inserted).map((a) => a.id);
      if (replaced.length > 0) await tx.$executeRaw`DELETE FROM order_lines WHERE order_id = ANY(${replaced}::int[])`;
      await tx.$executeRaw`TRUNCATE ${staged.orders}`;
    });
    progress.orders += chunk.orders.count;
    // Once the first full chunk's orders are in, the planner learns that the shop has orders
    // and customers: its statistics may describe other shops only, and a shop it has never seen
    // it takes for one of a row or so, for which any index starting with the shop looks as
    // good as another. The lines' lookups below then read every order of the shop for each
    // line's order (a second shop's 100,000 rows took 40 s instead of 2).
    if (!analyzed && chunk.orders.count + chunk.lines.count >= CHUNK) {
      analyzed = true;
      await prisma.$executeRawUnsafe("ANALYZE orders, customers");
    }
  };

  /** A chunk's line items, once its orders (and every earlier chunk's) are in. */
  const applyLines = async (chunk: Chunk) => {
    await copy(`${tables.lines} ${LINE_COLUMNS}`, chunk.lines);
    const orphans = await applyChunk(async (tx, repeats) => {
      // The chunk's orders, each looked up through (shop, shopify_id) and locked once: joined by
      // hash, every order of the shop was read for each chunk. FOR SHARE waits for a webhook's
      // transaction replacing an order meanwhile, and then reads the order it committed; its
      // lines from the file are then left out (below).
      const orphans = await tx.$queryRaw<{ line_no: number; parent: string }[]>`
        WITH o AS MATERIALIZED (
          SELECT found.* FROM (SELECT DISTINCT order_shopify_id AS id FROM ${staged.lines}) s
          CROSS JOIN LATERAL (SELECT o.id, o.shopify_id, o.shopify_updated_at FROM orders o
                              WHERE o.shop = ${shop} AND o.shopify_id = s.id FOR SHARE) found),
        inserted AS (
          INSERT INTO order_lines (shop, order_id, shopify_line_id, product_id, vendor, quantity, amount)
          SELECT ${shop}, o.id, l.shopify_line_id, l.product_id, l.vendor, l.quantity, l.amount
          FROM ${
            repeats
              ? Prisma.sql`(SELECT DISTINCT ON (order_shopify_id, shopify_line_id) * FROM ${staged.lines}
                            ORDER BY order_shopify_id, shopify_line_id, order_updated_at DESC NULLS LAST,
                                     line_no DESC)`
              : staged.lines
          } l
          JOIN o ON o.shopify_id = l.order_shopify_id
            -- Not onto an order that a newer webhook replaced while the file was read.
            AND (l.order_updated_at IS NULL OR o.shopify_updated_at <= l.order_updated_at)
          ON CONFLICT (order_id, shopify_line_id) DO UPDATE SET
            product_id = EXCLUDED.product_id, vendor = EXCLUDED.vendor, quantity = EXCLUDED.quantity,
            amount = EXCLUDED.amount)
        SELECT l.line_no, l.order_shopify_id::text AS parent FROM ${staged.lines} l
        WHERE NOT EXISTS (SELECT 1 FROM o WHERE o.shopify_id = l.order_shopify_id)
        ORDER BY l.line_no`;
      await tx.$executeRaw`TRUNCATE ${staged.lines}`;
      return orphans;
    });
    for (const o of orphans) invalid(o.line_no, `line item before (or without) its order ${o.parent}`);
    progress.lines += chunk.lines.count - orphans.length;
    await prisma.historyImport.update({
      where: { id: runId },
      data: {
        rowsDone: chunk.rowsRead,
        ordersDone: progress.orders,
        invalidRows: progress.invalidLines,
        heartbeatAt: new Date(),
      },
    });
    options.onProgress?.({ ...progress, rows: chunk.rowsRead, rowsRead: progress.rows });
  };

  // Chunks whose rows are in, for later ones to fill: at most four chunks' buffers, whatever the
  // file's size.
  const spare: Chunk[] = [];
  const newChunk = (): Chunk => {
    const reused = spare.pop();
    if (!reused) return { orders: new Staged(), lines: new Staged(), rowsRead: 0 };
    reused.orders.reset();
    reused.lines.reset();
    reused.rowsRead = 0;
    return reused;
  };
  // The updated_at of the orders of this chunk and the previous one, by gid: a line item
  // (which follows its order, in practice closely) carries its order's, so that lines from the
  // file never join an order that a newer webhook has replaced meanwhile.
  let recentOrders = new Map<string, string>();
  let olderOrders = new Map<string, string>();
  let chunk = newChunk();
  // A pipeline of two stages on two connections, beside the parsing: a chunk's orders go in
  // while the previous chunk's lines do. At most two parsed chunks wait for the database.
  let ordersStage: Promise<void> = Promise.resolve();
  let linesStage: Promise<void> = Promise.resolve();
  let earlierLines: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (chunk.orders.count + chunk.lines.count === 0) return;
    const ready = chunk;
    ready.rowsRead = progress.rows;
    chunk = newChunk();
    olderOrders = recentOrders;
    recentOrders = new Map();
    await ordersStage;
    await earlierLines;
    const orders = applyOrders(ready);
    const previousLines = linesStage;
    earlierLines = previousLines;
    linesStage = (async () => {
      await orders;
      await previousLines;
      await applyLines(ready);
      spare.push(ready);
    })();
    ordersStage = orders;
    // Observed by the next flush or at the end; this only keeps them from counting as unhandled.
    ordersStage.catch(() => {});
    linesStage.catch(() => {});
  };

  // The run's rows are read by one process at a time: a Bulk Operation's import is started by a
  // poll that another worker, or the next poll here, may repeat while it runs. The one that
  // loses leaves the run, and its staging tables, to the one reading.
  const claimed = await prisma.historyImport.updateMany({
    where: { id: runId, status: "RUNNING", rowsStartedAt: null },
    data: { rowsStartedAt: new Date(), heartbeatAt: new Date() },
  });
  if (claimed.count === 0) throw new ImportAlreadyReadError(`Import ${runId} of ${shop} is already being read.`);
  try {
    await dropStaleStaging();
    await createStaging(runId);
    let lineNumber = 0;
    for await (const batch of rows) {
      for (const raw of batch) {
        lineNumber++;
        const text = raw.trim();
        if (text === "") continue;
        progress.rows++;
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          invalid(lineNumber, "not JSON");
          continue;
        }
        const isLine = typeof value === "object" && value !== null && "__parentId" in value;
        if (isLine) {
          const parsed = BulkLineRowSchema.safeParse(value);
          if (parsed.success)
            chunk.lines.add(
              lineNumber,
              lineRow(
                lineNumber,
                parsed.data,
                recentOrders.get(parsed.data.__parentId) ?? olderOrders.get(parsed.data.__parentId),
              ),
            );
          else invalid(lineNumber, `line item: ${issueText(parsed.error.issues[0]!)}`);
        } else {
          const parsed = BulkOrderRowSchema.safeParse(value);
          if (parsed.success) {
            chunk.orders.add(lineNumber, orderRow(lineNumber, parsed.data));
            recentOrders.set(parsed.data.id, parsed.data.updatedAt);
          } else invalid(lineNumber, `order: ${issueText(parsed.error.issues[0]!)}`);
        }
        if (chunk.orders.count + chunk.lines.count >= CHUNK) await flush();
      }
    }
    await flush();
    await ordersStage;
    await linesStage;
    await dropStaging(runId);
    // Inform the planner before anything reads what was loaded: right after a large import its
    // statistics still describe the tables as they were, and RFM planned on an empty shop's
    // statistics joined customers by nested loops (18 s instead of 1 for 20,000 customers on
    // the embedded database). The dashboards that follow read these plans too (decision 009).
    if (progress.rows >= ANALYZE_AFTER_ROWS) await prisma.$executeRawUnsafe("ANALYZE orders, order_lines, customers");
    await computeRfm(shop, new Date().toISOString().slice(0, 10));
    await refreshCustomerWorth(shop);
    const customers = await prisma.customer.count({ where: { shop } });
    await prisma.historyImport.update({
      where: { id: runId },
      data: {
        status: "COMPLETED",
        runningShop: null,
        finishedAt: new Date(),
        errors,
        rowsDone: progress.rows,
        ordersDone: progress.orders,
        invalidRows: progress.invalidLines,
      },
    });
    return { shop, ...progress, customers, errors, seconds: Math.round((performance.now() - started) / 100) / 10 };
  } catch (error) {
    await Promise.allSettled([ordersStage, linesStage]);
    await dropStaging(runId);
    await prisma.historyImport.update({
      where: { id: runId },
      data: {
        status: "FAILED",
        runningShop: null,
        finishedAt: new Date(),
        errors: [...errors, { line: 0, message: errorText(error).slice(0, 500) }],
      },
    });
    throw error;
  }
}

/** Rows an import must have read for an ANALYZE to be worth its cost (about a second on a large shop). */
const ANALYZE_AFTER_ROWS = 10_000;

/** The database's error (SQLSTATE and words) inside Prisma's driver adapter error. */
function databaseCause(error: unknown): { code?: string; message?: string } | undefined {
  return (error as { meta?: { driverAdapterError?: { cause?: { code?: string; message?: string } } } }).meta
    ?.driverAdapterError?.cause;
}

/** The database's own words where Prisma's driver adapter wraps them ("Message: undefined"). */
function errorText(error: unknown): string {
  return databaseCause(error)?.message ?? (error as Error).message;
}

function issueText(issue: { path: PropertyKey[]; message: string }) {
  return `${issue.path.map(String).join(".") || "row"} ${issue.message}`;
}

async function createStaging(runId: number) {
  const t = stagingTables(runId);
  await prisma.$executeRawUnsafe(`CREATE UNLOGGED TABLE IF NOT EXISTS ${t.orders} (LIKE import_staged_orders)`);
  await prisma.$executeRawUnsafe(`CREATE UNLOGGED TABLE IF NOT EXISTS ${t.lines} (LIKE import_staged_lines)`);
  await prisma.$executeRawUnsafe(`TRUNCATE ${t.orders}, ${t.lines}`);
}

async function dropStaging(runId: number) {
  const t = stagingTables(runId);
  await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS ${t.orders}, ${t.lines}`);
}

/** Staging tables of runs that no longer run (their process ended mid-import). */
async function dropStaleStaging() {
  const stale = await prisma.$queryRaw<{ name: string }[]>`
    SELECT t.tablename::text AS name FROM pg_tables t
    WHERE t.schemaname = current_schema() AND t.tablename::text ~ '^import_staged_(orders|lines)_[0-9]+$'
      AND NOT EXISTS (SELECT 1 FROM history_imports h
                      WHERE h.status = 'RUNNING' AND h.id::text = substring(t.tablename::text from '[0-9]+$'))`;
  for (const { name } of stale) await prisma.$executeRawUnsafe(`DROP TABLE IF EXISTS ${name}`);
}

/**
 * The lines of a file, for importOrderHistory, a read's worth at a time, with how far
 * through the file the reading is (for time left).
 */
export function openFileLines(path: string): { lines: AsyncGenerator<string[]>; fraction: () => number } {
  const size = statSync(path).size;
  const stream = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 16 });
  return {
    lines: splitLines(stream as AsyncIterable<string>),
    fraction: () => (size === 0 ? 1 : Math.min(1, stream.bytesRead / size)),
  };
}

/**
 * The lines of a file, for importOrderHistory, read with the stream's own backpressure
 * (node:readline's async iterator was seen dropping lines here while the loop awaited
 * database writes).
 */
export function fileLines(path: string): AsyncGenerator<string[]> {
  return openFileLines(path).lines;
}
