import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { from as copyFromStdin } from "pg-copy-streams";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { applyMigrations } from "./db/migrate.server";
import type { SqlRunner } from "./db/sql-runner";
import { env } from "./env.server";
import { PrismaClient } from "./generated/prisma/client";

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  kind: DatabaseKind;
  /** PGlite data folder, or the PostgreSQL URL with its password hidden. */
  location: string;
  prisma: PrismaClient;
  /** Raw access for migrations and the job queue. */
  sql: SqlRunner;
  /**
   * PostgreSQL's bulk path: `COPY <target> FROM STDIN <options>` with data in COPY's format
   * (text by default: tab-separated, \\N for null, backslash escapes), for example
   * copyFrom('t (a, b)', '1\tx\n2\t\\N\n'). Returns the rows copied.
   */
  copyFrom(target: string, data: string | Uint8Array<ArrayBuffer>, options?: string): Promise<number>;
  close(): Promise<void>;
}

function openPglite(dataDir: string): Database {
  if (dataDir !== "memory://") mkdirSync(path.dirname(dataDir), { recursive: true });
  const pglite = new PGlite(dataDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    location: dataDir,
    prisma,
    sql: {
      query: async (text, values) => pglite.query(text, values ?? []),
      exec: async (script) => ({ rows: (await pglite.exec(script)).at(-1)?.rows ?? [] }),
    },
    copyFrom: async (target, data, options = "") =>
      (await pglite.query(`COPY ${target} FROM '/dev/blob' ${options}`, [], { blob: new Blob([data]) })).affectedRows ??
      0,
    close: async () => {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

// node-postgres answers a multi-statement script with one result per statement.
function lastRows(result: pg.QueryResult | pg.QueryResult[]) {
  return { rows: (Array.isArray(result) ? result.at(-1)?.rows : result.rows) ?? [] };
}

function openPostgres(url: string): Database {
  // The dashboards' queries take tens of milliseconds; PostgreSQL's JIT compiler, which their
  // cost estimates set off on a large shop, spent 80 ms compiling each of them, and starting
  // parallel workers for them cost about 40 ms a statement (a page sends ten or more, and
  // requests share the cores anyway). SETs, awaited before the pool hands the connection out,
  // rather than startup options, which connection poolers such as PgBouncer refuse.
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    onConnect: async (client: pg.ClientBase) => {
      await client.query("SET jit = off; SET max_parallel_workers_per_gather = 0");
    },
  });
  // An idle client that loses its server must not crash the process.
  pool.on("error", () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const sql: SqlRunner = {
    query: async (text, values) => {
      const result = await pool.query(text, values);
      return { rows: result.rows };
    },
    exec: async (script) => lastRows(await pool.query(script)),
  };
  return {
    kind: "postgres",
    location: url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@"),
    prisma,
    sql,
    copyFrom: async (target, data, options = "") => {
      const client = await pool.connect();
      try {
        const stream = client.query(copyFromStdin(`COPY ${target} FROM STDIN ${options}`));
        await new Promise<void>((resolve, reject) => {
          stream.on("error", reject);
          stream.on("finish", resolve);
          stream.end(data);
        });
        client.release();
        return stream.rowCount;
      } catch (error) {
        // A connection that failed mid-COPY is not given back to the pool.
        client.release(error as Error);
        throw error;
      }
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

// One database per process, shared through globalThis: the Remix build and the server
// that loads it are separate module graphs, and PGlite allows only one opener per folder.
const KEY = Symbol.for("nps.database");
type Holder = { [KEY]?: Database };

export function openDatabase(): Database {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    const e = env();
    holder[KEY] = e.DATABASE_URL ? openPostgres(e.DATABASE_URL) : openPglite(e.PGLITE_DATA_DIR);
  }
  return holder[KEY];
}

/** Applies pending migrations; safe to call at every start. */
export async function migrateDatabase(db: Database = openDatabase()): Promise<string[]> {
  if (db.kind === "postgres") {
    // The advisory lock needs one session for lock and unlock.
    const client = new pg.Client({ connectionString: env().DATABASE_URL });
    await client.connect();
    try {
      return await applyMigrations(
        {
          query: async (text, values) => ({ rows: (await client.query(text, values)).rows }),
          exec: async (script) => lastRows(await client.query(script)),
        },
        { lock: true },
      );
    } finally {
      await client.end();
    }
  }
  return applyMigrations(db.sql);
}

export async function closeDatabase(): Promise<void> {
  const holder = globalThis as Holder;
  const db = holder[KEY];
  delete holder[KEY];
  await db?.close();
}

/** The Prisma client of this process's database. */
export const prisma: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, prop) {
    const client = openDatabase().prisma;
    const value = Reflect.get(client, prop, client) as unknown;
    return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(client) : value;
  },
});

export default prisma;
