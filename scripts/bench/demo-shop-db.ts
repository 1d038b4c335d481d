/**
 * The app's database module on the benchmark shop's PostgreSQL database, as the dashboards and
 * RFM benchmarks use it: the demo shop (DEMO_MODE) in production mode, quiet, migrated.
 */
export async function openDemoShopDatabase(url: URL) {
  process.env.DATABASE_URL = url.toString();
  process.env.DEMO_MODE = "1";
  process.env.LOG_LEVEL = "warn";
  process.env.NODE_ENV = "production";
  const { migrateDatabase, openDatabase, closeDatabase } = await import("../../app/db.server");
  const { DEMO_SHOP } = await import("../../app/env.server");
  await migrateDatabase();
  return { db: openDatabase(), closeDatabase, DEMO_SHOP };
}
