import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { buildApp, ROOT } from "./process";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string | null;
  }
}

/**
 * With TEST_DATABASE_URL set, the suite runs against real PostgreSQL: a fresh database is
 * created for this run (and dropped after), migrated once. Otherwise each test file opens
 * its own in-memory PGlite.
 */
export default async function setup(project: TestProject) {
  // One production build for every test that starts the app: test files run in parallel and
  // must not rebuild build/ under each other's feet.
  // NPS_TEST_REUSE_BUILD=1 keeps an existing build (a quick run of a few files while editing).
  if (process.env.NPS_TEST_REUSE_BUILD !== "1" || !existsSync(path.join(ROOT, "build/server/index.js"))) buildApp();
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    project.provide("databaseUrl", null);
    return;
  }
  const name = `nps_test_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  const { migrateDatabase, closeDatabase } = await import("../app/db.server");
  await migrateDatabase();
  await closeDatabase();
  project.provide("databaseUrl", url.toString());

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  };
}
