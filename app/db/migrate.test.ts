import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, MIGRATIONS_DIR, readMigrations } from "./migrate.server";
import type { SqlRunner } from "./sql-runner";

function runner(pglite: PGlite): SqlRunner {
  return {
    query: (text, values) => pglite.query(text, values ?? []),
    exec: async (script) => ({ rows: (await pglite.exec(script)).at(-1)?.rows ?? [] }),
  };
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0)) await fn();
});

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "nps-migrations-"));
  for (const [name, sql] of Object.entries(files)) {
    mkdirSync(path.join(dir, name));
    writeFileSync(path.join(dir, name, "migration.sql"), sql);
  }
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function freshDb() {
  const pglite = new PGlite();
  cleanup.push(() => pglite.close());
  return { pglite, db: runner(pglite) };
}

describe("applyMigrations", { timeout: 120_000 }, () => {
  it("applies the committed migrations once and records them as Prisma does", async () => {
    const { pglite, db } = await freshDb();
    const names = (await readMigrations()).map((m) => m.name);
    expect(await applyMigrations(db)).toEqual(names);
    expect(await applyMigrations(db)).toEqual([]);
    const { rows } = await pglite.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(MIGRATIONS_DIR.endsWith(path.join("prisma", "migrations"))).toBe(true);
  });

  it("rolls back a failing migration completely and reports which one failed", async () => {
    const { pglite, db } = await freshDb();
    const dir = migrationsDir({
      "001_ok": "CREATE TABLE a (id int);",
      "002_bad": "CREATE TABLE b (id int);\nINSERT INTO nowhere VALUES (1);",
    });
    await expect(applyMigrations(db, { dir })).rejects.toThrow(/Migration 002_bad failed and was rolled back/);
    const tables = await pglite.query<{ t: string }>(
      `SELECT table_name AS t FROM information_schema.tables WHERE table_name IN ('a', 'b') ORDER BY 1`,
    );
    expect(tables.rows.map((r) => r.t)).toEqual(["a"]);
    const recorded = await pglite.query(`SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '002_bad'`);
    expect(recorded.rows).toHaveLength(0);
  });

  it("refuses to go on when an applied migration's file was edited", async () => {
    const { db } = await freshDb();
    const dir = migrationsDir({ "001_ok": "CREATE TABLE a (id int);" });
    await applyMigrations(db, { dir });
    writeFileSync(path.join(dir, "001_ok", "migration.sql"), "CREATE TABLE a (id bigint);");
    await expect(applyMigrations(db, { dir })).rejects.toThrow(/001_ok was changed after it was applied/);
  });

  it("refuses an empty migration file", async () => {
    const { db } = await freshDb();
    const dir = migrationsDir({ "001_empty": "  \n" });
    await expect(applyMigrations(db, { dir })).rejects.toThrow(/001_empty is empty/);
  });
});

/** Tables, columns, indexes, keys and enum types, as PostgreSQL reports them; CHECK constraints aside. */
async function catalog(pglite: PGlite) {
  const { rows } = await pglite.query<{ item: string }>(`
    SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
           || coalesce(column_default, '') AS item
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
    UNION ALL
    SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
    UNION ALL
    SELECT 'constraint ' || conrelid::regclass || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE contype IN ('f', 'p', 'u') AND connamespace = 'public'::regnamespace
      AND conrelid::regclass::text <> '_prisma_migrations'
    UNION ALL
    SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid GROUP BY t.typname
    ORDER BY 1`);
  return rows.map((r) => r.item);
}

describe("the committed migrations", () => {
  it("build exactly the database that prisma/schema.prisma describes", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    // Not spawnSync: a blocked worker misses Vitest's heartbeats on a busy machine.
    const diff = await promisify(execFile)(
      "prisma",
      ["migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
    );
    const fromSchema = await freshDb();
    await fromSchema.pglite.exec(diff.stdout);
    const fromMigrations = await freshDb();
    await applyMigrations(fromMigrations.db);
    expect(await catalog(fromMigrations.pglite)).toEqual(await catalog(fromSchema.pglite));
  }, 180_000);
});
