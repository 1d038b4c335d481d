import { openDatabase } from "../db.server";
import { type AnalyticsFilters, resolvePeriod } from "../domain/analytics-filters";
import { csvLine, csvText } from "../lib/csv";
import { answerConditions, shopContext, SqlParams } from "./analytics.server";

export type ExportKind = "answers" | "cases";

export interface ExportOptions {
  category?: "promoter" | "passive" | "detractor";
  status?: string;
}

const COLUMNS: Record<ExportKind, string[]> = {
  answers: [
    "answer_id",
    "answered_at",
    "order",
    "stage",
    "channel",
    "score",
    "category",
    "comment",
    "themes",
    "follow_up_question",
    "brands",
    "country",
    "customer_email",
    "customer_name",
    "segment",
    "locale",
  ],
  cases: [
    "case_id",
    "status",
    "assignee",
    "opened_at",
    "due_at",
    "resolved_at",
    "answer_id",
    "answered_at",
    "order",
    "stage",
    "score",
    "comment",
    "themes",
    "brands",
    "customer_email",
    "customer_name",
    "segment",
    "notes",
    "last_note",
  ],
};

const BATCH = 2000;

/**
 * The answers or cases of a view as CSV, produced batch by batch (keyset on the answer id),
 * so that 200,000 rows stream out without being held in memory; free text is kept from
 * becoming spreadsheet formulas.
 */
export async function* exportCsv(
  shop: string,
  kind: ExportKind,
  filters: AnalyticsFilters,
  options: ExportOptions = {},
): AsyncGenerator<string> {
  const ctx = await shopContext(shop);
  const period = resolvePeriod(filters, ctx.today, "all");
  const { params, p } = new SqlParams();
  const where = answerConditions(p, shop, filters, period).conditions;
  if (options.category) where.push(`r.category = ${p(options.category.toUpperCase())}::"ScoreCategory"`);
  if (kind === "cases") {
    where.push("fc.id IS NOT NULL");
    if (options.status === "open") where.push("fc.status IN ('NEW', 'CONTACTED')");
    else if (options.status && options.status !== "all") where.push(`fc.status = ${p(options.status)}::"CaseStatus"`);
  }
  const after = p(0);
  const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`;
  const themes = `(SELECT string_agg(t.theme, '; ' ORDER BY t.theme) FROM response_themes t WHERE t.response_id = r.id) AS themes`;
  const select =
    kind === "answers"
      ? `r.id, r.id AS answer_id, ${iso("r.answered_at")} AS answered_at, o.name AS order,
         lower(r.stage::text) AS stage, lower(r.channel::text) AS channel, r.score, lower(r.category::text) AS category,
         r.comment, ${themes}, r.follow_up_question, array_to_string(r.vendors, '; ') AS brands, r.country_code AS country,
         c.email AS customer_email, NULLIF(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS customer_name,
         lower(c.segment::text) AS segment, r.locale`
      : `r.id, fc.id AS case_id, lower(fc.status::text) AS status, fc.assignee, ${iso("fc.created_at")} AS opened_at,
         ${iso("fc.due_at")} AS due_at, ${iso("fc.resolved_at")} AS resolved_at, r.id AS answer_id,
         ${iso("r.answered_at")} AS answered_at, o.name AS order, lower(r.stage::text) AS stage, r.score, r.comment,
         ${themes}, array_to_string(r.vendors, '; ') AS brands, c.email AS customer_email,
         NULLIF(trim(concat_ws(' ', c.first_name, c.last_name)), '') AS customer_name, lower(c.segment::text) AS segment,
         (SELECT count(*)::int FROM case_notes n WHERE n.case_id = fc.id) AS notes,
         (SELECT n.body FROM case_notes n WHERE n.case_id = fc.id ORDER BY n.created_at DESC LIMIT 1) AS last_note`;
  const text = `SELECT ${select}
    FROM responses r JOIN orders o ON o.id = r.order_id LEFT JOIN customers c ON c.id = r.customer_id
    ${kind === "cases" ? "LEFT JOIN follow_up_cases fc ON fc.response_id = r.id" : ""}
    WHERE ${where.join(" AND ")} AND r.id > ${after}
    ORDER BY r.id LIMIT ${BATCH}`;
  const columns = COLUMNS[kind];
  const free = new Set(["comment", "follow_up_question", "customer_name", "assignee", "last_note", "brands", "order"]);
  yield csvLine(columns);
  let last = 0;
  for (;;) {
    params[params.length - 1] = last;
    const { rows } = await openDatabase().sql.query<Record<string, unknown> & { id: number }>(text, params);
    if (rows.length === 0) return;
    let chunk = "";
    for (const row of rows) {
      chunk += csvLine(columns.map((col) => (free.has(col) ? csvText(row[col] as string | null) : row[col])));
    }
    yield chunk;
    last = rows[rows.length - 1]!.id;
    if (rows.length < BATCH) return;
  }
}
