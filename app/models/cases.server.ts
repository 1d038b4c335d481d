import { z } from "zod";
import prisma, { openDatabase } from "../db.server";
import { type AnalyticsFilters, resolvePeriod } from "../domain/analytics-filters";
import { dueHours, estimateProportion, SEGMENT_RANK } from "../domain/follow-up";
import { readSettings } from "../domain/settings";
import type { Prisma } from "../generated/prisma/client";
import { CaseStatus, type RfmSegment } from "../generated/prisma/enums";
import { answerConditions, shopContext, SqlParams } from "./analytics.server";
import { recordWebhookEvents } from "./webhooks.server";

type Tx = Prisma.TransactionClient;

export const CLOSED_STATUSES: CaseStatus[] = ["RESOLVED", "WON_BACK", "CLOSED"];
export const CaseStatusSchema = z.enum(Object.values(CaseStatus) as [CaseStatus, ...CaseStatus[]], {
  message: "must be one of NEW, CONTACTED, RESOLVED, WON_BACK, CLOSED",
});

/**
 * Opens the follow-up case of a detractor's answer (and a passive's, when the shop asks for
 * it), due by the shop's rules; a second answer for the same order and stage updates that
 * case and notes the change in its history, never opens another.
 */
export async function openCaseForAnswer(
  tx: Tx,
  answer: { responseId: number; score: number; previousScore: number | null },
) {
  const rows = await tx.$queryRaw<
    Array<{ shop: string; answered_at: Date; segment: RfmSegment | null; settings: unknown; case_id: number | null }>
  >`
    SELECT r.shop, r.answered_at, r.segment, s.settings, fc.id AS case_id
    FROM responses r JOIN shops s ON s.domain = r.shop
    LEFT JOIN follow_up_cases fc ON fc.response_id = r.id
    WHERE r.id = ${answer.responseId}`;
  const r = rows[0];
  if (!r) return null;
  const settings = readSettings(r.settings);
  if (r.case_id !== null) {
    if (answer.previousScore !== null && answer.previousScore !== answer.score) {
      await tx.$executeRaw`
        INSERT INTO case_events (case_id, actor, field, from_value, to_value)
        VALUES (${r.case_id}, 'shopper', 'score', ${String(answer.previousScore)}, ${String(answer.score)})`;
      await tx.$executeRaw`UPDATE follow_up_cases SET updated_at = now() WHERE id = ${r.case_id}`;
    }
    return { caseId: r.case_id, created: false };
  }
  const wanted = answer.score <= 6 || (answer.score <= 8 && settings.casesForPassives);
  if (!wanted) return null;
  const hours = dueHours(settings, answer.score, r.segment);
  const created = await tx.$queryRaw<Array<{ id: number }>>`
    INSERT INTO follow_up_cases (shop, response_id, status, due_at, updated_at)
    VALUES (${r.shop}, ${answer.responseId}, 'NEW', ${r.answered_at}::timestamptz + make_interval(hours => ${hours}::int), now())
    ON CONFLICT (response_id) DO NOTHING
    RETURNING id`;
  return created[0] ? { caseId: created[0].id, created: true } : null;
}

export interface QueueOptions {
  category: "DETRACTOR" | "PASSIVE";
  status?: "open" | "all" | CaseStatus;
  overdue?: boolean;
  assignee?: string;
  page?: number;
  pageSize?: number;
}

export interface QueueRow {
  responseId: number;
  caseId: number | null;
  score: number;
  stage: "pre" | "post";
  comment: string | null;
  answeredAt: string;
  ageDays: number;
  orderName: string;
  orderShopifyId: string;
  customerName: string | null;
  customerEmail: string | null;
  segment: RfmSegment | null;
  totalSpent: string | null;
  ordersCount: number | null;
  vendors: string[];
  /** Theme keys of the comment (Settings → Themes), in key order. */
  themes: string[];
  status: CaseStatus | null;
  assignee: string | null;
  dueAt: string | null;
  overdue: boolean;
  priority: number;
}

// The priority of app/domain/follow-up.ts, in SQL so that the database orders and pages.
const segmentRankSql = (column: string) =>
  `CASE ${column} ${Object.entries(SEGMENT_RANK)
    .map(([s, rank]) => `WHEN '${s}' THEN ${rank}`)
    .join(" ")} ELSE 0 END`;
// The customer's segment and monetary score are copied onto each answer (dashboard_rollups
// migration), so the queue sorts without joining customers.
const PRIORITY_SQL = `(CASE WHEN r.score <= 2 THEN 3000 WHEN r.score <= 4 THEN 2000 WHEN r.score <= 6 THEN 1000 ELSE 0 END
  + 6 * ${segmentRankSql("r.segment")} + 8 * COALESCE(r.m_score, 0)
  - LEAST(30, GREATEST(0, floor(extract(epoch FROM now() - r.answered_at) / 86400)))::int)`;

/** The where-clause of the queue: the dashboards' filters and the case filters. */
function queueWhere(
  ctx: { shop: string; timezone: string; today: string },
  filters: AnalyticsFilters,
  options: QueueOptions,
) {
  const { params, p } = new SqlParams();
  // The shop's cases are hashed once rather than looked up per answer: most answers of a large
  // shop have none, or a closed one (OFFSET 0 keeps the planner from looking them up one by one).
  const from = `responses r
    LEFT JOIN (SELECT id, response_id, status, assignee, due_at FROM follow_up_cases WHERE shop = ${p(ctx.shop)} OFFSET 0) fc
      ON fc.response_id = r.id`;
  const period = resolvePeriod(filters, ctx.today, "all");
  const where = [
    ...answerConditions(p, ctx.shop, filters, period).conditions,
    `r.category = ${p(options.category)}::"ScoreCategory"`,
  ];
  const status = options.status ?? "open";
  if (status === "open") where.push(`(fc.id IS NULL OR fc.status IN ('NEW', 'CONTACTED'))`);
  else if (status !== "all") where.push(`fc.status = ${p(status)}::"CaseStatus"`);
  if (options.overdue) where.push(`fc.status IN ('NEW', 'CONTACTED') AND fc.due_at < now()`);
  if (options.assignee) where.push(`fc.assignee = ${p(options.assignee)}`);
  return { from, where: where.join(" AND "), params, p, period };
}

/** Detractors (or passives) with their case, customer value and age, by priority. */
export async function listQueue(shop: string, filters: AnalyticsFilters, options: QueueOptions) {
  const ctx = await shopContext(shop);
  const q = queueWhere(ctx, filters, options);
  const pageSize = options.pageSize ?? 25;
  const page = Math.max(1, options.page ?? 1);
  const limit = q.p(pageSize);
  const offset = q.p((page - 1) * pageSize);
  const db = openDatabase();
  // The page (a top-N sort) and the counts, side by side: both read the queue index only.
  const [{ rows }, total] = await Promise.all([
    db.sql.query<QueueRow>(
      // Sorted from the queue index and the cases alone; the page's rows then fetch their
      // answer, order and customer.
      `SELECT q."responseId", q."caseId", r.score, CASE r.stage WHEN 'PRE_DELIVERY' THEN 'pre' ELSE 'post' END AS stage,
              r.comment, to_char(r.answered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "answeredAt",
              floor(extract(epoch FROM now() - r.answered_at) / 86400)::int AS "ageDays",
              o.name AS "orderName", o.shopify_id::text AS "orderShopifyId",
              NULLIF(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS "customerName", c.email AS "customerEmail",
              c.segment, c.total_spent::text AS "totalSpent", c.orders_count AS "ordersCount", r.vendors,
              ARRAY(SELECT t.theme FROM response_themes t WHERE t.response_id = q."responseId" ORDER BY t.theme) AS themes,
              q.status, q.assignee, to_char(q.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "dueAt",
              COALESCE(q.status IN ('NEW', 'CONTACTED') AND q.due_at < now(), false) AS overdue, q.priority
       FROM (
         SELECT r.id AS "responseId", fc.id AS "caseId", fc.status, fc.assignee, fc.due_at, r.answered_at,
                ${PRIORITY_SQL} AS priority
         FROM ${q.from}
         WHERE ${q.where}
         ORDER BY priority DESC, r.answered_at DESC, r.id DESC
         LIMIT ${limit} OFFSET ${offset}) q
       JOIN responses r ON r.id = q."responseId"
       JOIN orders o ON o.id = r.order_id
       LEFT JOIN customers c ON c.id = r.customer_id
       ORDER BY q.priority DESC, q.answered_at DESC, q."responseId" DESC`,
      q.params,
    ),
    db.sql.query<{ n: number; overdue: number }>(
      `SELECT count(*)::int AS n,
              count(*) FILTER (WHERE fc.status IN ('NEW', 'CONTACTED') AND fc.due_at < now())::int AS overdue
       FROM ${q.from} WHERE ${q.where}`,
      q.params.slice(0, q.params.length - 2),
    ),
  ]);
  const count = total.rows[0]!;
  return {
    period: q.period,
    rows,
    total: count.n,
    overdue: count.overdue,
    page,
    pages: Math.max(1, Math.ceil(count.n / pageSize)),
  };
}

/** The people cases are assigned to, for the assignee menu. */
export async function listAssignees(shop: string): Promise<string[]> {
  const { rows } = await openDatabase().sql.query<{ assignee: string }>(
    "SELECT DISTINCT assignee FROM follow_up_cases WHERE shop = $1 AND assignee IS NOT NULL ORDER BY 1",
    [shop],
  );
  return rows.map((r) => r.assignee);
}

export class CaseNotFoundError extends Error {}

/** One case with its answer, customer, order, notes and history. */
export async function getCase(shop: string, id: number) {
  const found = await prisma.followUpCase.findFirst({
    where: { id, shop },
    include: {
      notes: { orderBy: { createdAt: "asc" } },
      events: { orderBy: { createdAt: "asc" } },
      response: {
        include: {
          order: { select: { name: true, shopifyId: true, currentTotal: true, currency: true } },
          customer: {
            select: {
              firstName: true,
              lastName: true,
              email: true,
              segment: true,
              totalSpent: true,
              ordersCount: true,
              shopifyId: true,
            },
          },
        },
      },
    },
  });
  if (!found) throw new CaseNotFoundError(`No case ${id} in this shop.`);
  return found;
}

export const CaseUpdateSchema = z
  .object({
    status: CaseStatusSchema.optional(),
    assignee: z
      .string()
      .trim()
      .max(100, "At most 100 characters")
      .transform((a) => (a === "" ? null : a))
      .optional(),
    dueAt: z.coerce.date({ message: "Enter a date and time" }).optional(),
  })
  .refine((u) => u.status !== undefined || u.assignee !== undefined || u.dueAt !== undefined, {
    message: "Nothing to change",
  });
export type CaseUpdate = z.infer<typeof CaseUpdateSchema>;

/**
 * Changes cases' status, assignee or due time, each change written to their history. Entering
 * Resolved, Won back or Closed stamps the resolution time; reopening clears it.
 */
export async function updateCases(shop: string, ids: number[], actor: string, update: CaseUpdate) {
  if (ids.length === 0) return 0;
  return prisma.$transaction(async (tx) => {
    const before = await tx.$queryRaw<
      Array<{ id: number; response_id: number; status: string; assignee: string | null; due_at: Date | null }>
    >`
      SELECT id, response_id, status::text, assignee, due_at FROM follow_up_cases
      WHERE shop = ${shop} AND id = ANY(${ids}::int[]) FOR UPDATE`;
    if (before.length === 0) return 0;
    const events: Array<{ id: number; field: string; from: string | null; to: string | null }> = [];
    for (const c of before) {
      if (update.status !== undefined && update.status !== c.status)
        events.push({ id: c.id, field: "status", from: c.status, to: update.status });
      if (update.assignee !== undefined && update.assignee !== c.assignee)
        events.push({ id: c.id, field: "assignee", from: c.assignee, to: update.assignee });
      if (update.dueAt !== undefined && update.dueAt.getTime() !== c.due_at?.getTime())
        events.push({ id: c.id, field: "due", from: c.due_at?.toISOString() ?? null, to: update.dueAt.toISOString() });
    }
    const changed = [...new Set(events.map((e) => e.id))];
    if (changed.length === 0) return 0;
    const closing = update.status ? CLOSED_STATUSES.includes(update.status) : null;
    await tx.$executeRaw`
      UPDATE follow_up_cases SET
        status = COALESCE(${update.status ?? null}::"CaseStatus", status),
        assignee = CASE WHEN ${update.assignee !== undefined}::boolean THEN ${update.assignee ?? null}::text ELSE assignee END,
        due_at = COALESCE(${update.dueAt ?? null}::timestamptz, due_at),
        reordered = CASE WHEN ${closing}::boolean IS NULL OR ${closing}::boolean THEN reordered END,
        rescored = CASE WHEN ${closing}::boolean IS NULL OR ${closing}::boolean THEN rescored END,
        moved_up = CASE WHEN ${closing}::boolean IS NULL OR ${closing}::boolean THEN moved_up END,
        resolved_at = CASE WHEN ${closing}::boolean IS NULL THEN resolved_at
                           WHEN ${closing}::boolean THEN COALESCE(CASE WHEN status IN ('RESOLVED', 'WON_BACK', 'CLOSED') THEN resolved_at END, now())
                           ELSE NULL END,
        updated_at = now()
      WHERE id = ANY(${changed}::int[])`;
    await tx.$executeRaw`
      INSERT INTO case_events (case_id, actor, field, from_value, to_value)
      SELECT e.id, ${actor}, e.field, e.from_value, e.to_value
      FROM unnest(${events.map((e) => e.id)}::int[], ${events.map((e) => e.field)}::text[],
                  ${events.map((e) => e.from)}::text[], ${events.map((e) => e.to)}::text[])
           AS e(id, field, from_value, to_value)`;
    // Signed webhooks out: each case whose status changed, with the change.
    await recordWebhookEvents(
      tx,
      "case.status_changed",
      events
        .filter((e) => e.field === "status")
        .map((e) => ({
          responseId: before.find((b) => b.id === e.id)!.response_id,
          extra: {
            change: { case_id: e.id, from: e.from?.toLowerCase() ?? null, to: e.to?.toLowerCase() ?? null, actor },
          },
        })),
    );
    return changed.length;
  });
}

export const NoteSchema = z.object({
  body: z.string().trim().min(1, "Write a note").max(5000, "At most 5,000 characters"),
});

export async function addNote(shop: string, caseId: number, author: string, body: string) {
  const found = await prisma.followUpCase.findFirst({ where: { id: caseId, shop }, select: { id: true } });
  if (!found) throw new CaseNotFoundError(`No case ${caseId} in this shop.`);
  return prisma.$transaction([
    prisma.caseNote.create({ data: { caseId, author, body } }),
    prisma.followUpCase.update({ where: { id: caseId }, data: { updatedAt: new Date() } }),
  ]);
}

/**
 * Did follow-up work? For each resolved case of a known customer, within 90 days of its
 * resolution: did the customer order again, answer again with a higher score, or move up a
 * segment (a snapshot taken later, when the segment changed, ranked above the last one before
 * the resolution)?
 * `where` narrows the cases (its parameters follow the query's own).
 */
function outcomeSql(where: string) {
  return `
    SELECT fc.id,
      EXISTS (SELECT 1 FROM orders o2 WHERE o2.shop = fc.shop AND o2.customer_id = r.customer_id
                AND o2.cancelled_at IS NULL AND o2.order_created_at > fc.resolved_at
                AND o2.order_created_at <= fc.resolved_at + interval '90 days') AS reordered,
      EXISTS (SELECT 1 FROM responses r2 WHERE r2.shop = fc.shop AND r2.customer_id = r.customer_id AND r2.score > r.score
                AND r2.answered_at > fc.resolved_at AND r2.answered_at <= fc.resolved_at + interval '90 days') AS rescored,
      COALESCE((SELECT max(${segmentRankSql("s2.segment")}) FROM customer_segment_snapshots s2
                WHERE s2.customer_id = r.customer_id AND s2.as_of > fc.resolved_at::date
                  AND s2.as_of <= (fc.resolved_at + interval '90 days')::date)
               > (SELECT ${segmentRankSql("s1.segment")} FROM customer_segment_snapshots s1
                  WHERE s1.customer_id = r.customer_id AND s1.as_of <= fc.resolved_at::date
                  ORDER BY s1.as_of DESC LIMIT 1), false) AS moved_up,
      fc.resolved_at + interval '90 days' <= now() AS window_over
    FROM follow_up_cases fc JOIN responses r ON r.id = fc.response_id
    WHERE fc.resolved_at IS NOT NULL AND fc.status IN ('RESOLVED', 'WON_BACK', 'CLOSED')
      AND r.customer_id IS NOT NULL AND ${where}`;
}

/**
 * Stores the outcome of resolved cases whose 90 days are still running or were never
 * checked (every minute, by the sweep), so that the win-back rate reads stored answers.
 */
export async function refreshCaseOutcomes(shop?: string) {
  const { rows } = await openDatabase().sql.query<{ n: number }>(
    `WITH checked AS (${outcomeSql(`($1::text IS NULL OR fc.shop = $1)
         AND (fc.reordered IS NULL OR (NOT (fc.reordered OR fc.rescored OR fc.moved_up)
              AND fc.resolved_at > now() - interval '91 days'))`)}),
     updated AS (
       UPDATE follow_up_cases fc SET reordered = c.reordered, rescored = c.rescored, moved_up = c.moved_up
       FROM checked c WHERE fc.id = c.id
         AND (fc.reordered, fc.rescored, fc.moved_up) IS DISTINCT FROM (c.reordered, c.rescored, c.moved_up)
       RETURNING 1)
     SELECT count(*)::int AS n FROM updated`,
    [shop ?? null],
  );
  return rows[0]!.n;
}

/**
 * The win-back rate with its 95 % interval, overall, by assignee and by current segment. A
 * case counts once its 90 days are over or as soon as it was won back, so recent cases do
 * not drag the rate down before they had their chance.
 */
export async function loadWinBack(shop: string) {
  const { rows } = await openDatabase().sql.query<{
    dim: string;
    key: string | null;
    n: number;
    won: number;
  }>(
    // The customer's current segment is copied onto each case (dashboard_rollups migration).
    `WITH counted AS (
       SELECT fc.assignee, fc.segment, (fc.reordered OR fc.rescored OR fc.moved_up) AS won
       FROM follow_up_cases fc
       WHERE fc.shop = $1 AND fc.status IN ('RESOLVED', 'WON_BACK', 'CLOSED') AND fc.reordered IS NOT NULL
         AND (fc.resolved_at + interval '90 days' <= now() OR fc.reordered OR fc.rescored OR fc.moved_up))
     SELECT CASE WHEN GROUPING(assignee) = 0 THEN 'assignee' WHEN GROUPING(segment) = 0 THEN 'segment' ELSE 'all' END AS dim,
            CASE WHEN GROUPING(assignee) = 0 THEN COALESCE(assignee, 'Unassigned')
                 WHEN GROUPING(segment) = 0 THEN COALESCE(lower(segment::text), 'none') END AS key,
            count(*)::int AS n, count(*) FILTER (WHERE won)::int AS won
     FROM counted GROUP BY GROUPING SETS ((assignee), (segment), ())`,
    [shop],
  );
  const shape = (r: (typeof rows)[number]) => ({ key: r.key ?? "all", ...estimateProportion(r.won, r.n) });
  return {
    overall: shape(rows.find((r) => r.dim === "all")!),
    byAssignee: rows
      .filter((r) => r.dim === "assignee")
      .map(shape)
      .sort((a, b) => b.n - a.n),
    bySegment: rows
      .filter((r) => r.dim === "segment")
      .map(shape)
      .sort((a, b) => b.n - a.n),
  };
}

/** One case's outcome, computed now, for its page. */
export async function caseOutcome(shop: string, caseId: number) {
  const { rows } = await openDatabase().sql.query<{
    reordered: boolean;
    rescored: boolean;
    moved_up: boolean;
    window_over: boolean;
  }>(outcomeSql("fc.shop = $1 AND fc.id = $2"), [shop, caseId]);
  return rows[0] ?? null;
}
