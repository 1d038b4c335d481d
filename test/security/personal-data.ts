import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import prisma from "../../app/db.server";
import { env } from "../../app/env.server";

/**
 * Every place the database can hold text: each text, varchar, json and jsonb column (and
 * arrays of text) of every table in every schema, read from information_schema, so that a
 * table added later is searched without anyone remembering to add it here.
 */
async function textColumns() {
  return prisma.$queryRaw<{ schema: string; table: string; column: string }[]>`
    SELECT c.table_schema::text AS schema, c.table_name::text AS table, c.column_name::text AS column
    FROM information_schema.columns c
    JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
    WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema')
      AND (c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb')
           OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))
    ORDER BY 1, 2, 3`;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The columns (`table.column`, schema-qualified outside public) holding any of the needles. */
export async function columnsContaining(needles: string[]): Promise<string[]> {
  const lowered = needles.map((n) => n.toLowerCase());
  const hits: string[] = [];
  for (const { schema, table, column } of await textColumns()) {
    const rows = await prisma
      .$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM ${quote(schema)}.${quote(table)}
         WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) AS x(needle)
                       WHERE strpos(lower(${quote(column)}::text), x.needle) > 0)`,
        lowered,
      )
      .catch((error: unknown) => {
        // A table gone since the list was read (an import's staging table, which another test
        // file's import drops when it ends) holds nothing any more.
        if (String(error).includes("42P01")) return [{ n: 0 }];
        throw error;
      });
    if (rows[0]!.n > 0) hits.push(schema === "public" ? `${table}.${column}` : `${schema}.${table}.${column}`);
  }
  return hits;
}

/** The outbox's emails mentioning any of the needles, in their decoded headers, text or HTML. */
export async function outboxFilesContaining(needles: string[], dir = env().OUTBOX_DIR): Promise<string[]> {
  const lowered = needles.map((n) => n.toLowerCase());
  const files = await readdir(dir).catch(() => [] as string[]);
  const hits: string[] = [];
  for (const file of files) {
    const raw = await readFile(path.join(dir, file)).catch(() => null);
    if (!raw) continue;
    const mail = await simpleParser(raw);
    const text = [
      raw.toString("utf8"),
      JSON.stringify([...mail.headers.entries()]),
      mail.text ?? "",
      typeof mail.html === "string" ? mail.html : "",
    ]
      .join("\n")
      .toLowerCase();
    if (lowered.some((n) => text.includes(n))) hits.push(file);
  }
  return hits;
}
