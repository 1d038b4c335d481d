import { spawnSync } from "node:child_process";

// 1. The Prisma client (generated into app/generated/prisma; no engine download).
const generate = spawnSync("prisma", ["generate"], { stdio: "inherit" });
if (generate.status !== 0) process.exit(generate.status ?? 1);

// 2. Migrations, applied by the app's own code: through the running app when it holds the
//    embedded database, else directly. Safe to run again: applied migrations are skipped.
const { dispatchCommand } = await import("../app/control/client.server");
const { env } = await import("../app/env.server");
const result = await dispatchCommand("migrate", {});
if (!result.ok) {
  console.error(result.error);
  process.exit(1);
}
const applied = (result.result as { applied: string[] }).applied;
const where = env().DATABASE_URL ? "PostgreSQL" : `PGlite at ${env().PGLITE_DATA_DIR}`;
console.log(
  applied.length > 0
    ? `Applied ${applied.length} migration(s) to ${where}: ${applied.join(", ")}`
    : `${where} is up to date.`,
);
