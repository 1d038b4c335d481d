import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Writes what changed in prisma/schema.prisma since a git revision (default HEAD) as a new
// migration folder: `npm run db:diff -- <what_changed> [--from <rev>]`. Without a name it
// prints the SQL only. The migration test then checks that the migrations build the schema.
const args = process.argv.slice(2);
const fromIndex = args.indexOf("--from");
const from = fromIndex >= 0 ? args[fromIndex + 1] : "HEAD";
const name = args.find((a, i) => !a.startsWith("--") && (fromIndex < 0 || i !== fromIndex + 1));
if (!from || (name !== undefined && !/^[a-z0-9_]+$/.test(name))) {
  console.error("Usage: npm run db:diff -- [name_in_snake_case] [--from <git revision>]");
  process.exit(2);
}

const tmp = mkdtempSync(path.join(tmpdir(), "nps-schema-"));
try {
  const previous = path.join(tmp, "schema.prisma");
  writeFileSync(previous, execFileSync("git", ["show", `${from}:prisma/schema.prisma`], { encoding: "utf8" }));
  const diff = spawnSync(
    "prisma",
    [
      "migrate",
      "diff",
      "--from-schema-datamodel",
      previous,
      "--to-schema-datamodel",
      "prisma/schema.prisma",
      "--script",
    ],
    { encoding: "utf8" },
  );
  if (diff.status !== 0) {
    console.error(diff.stderr || diff.stdout);
    process.exit(1);
  }
  const sql = diff.stdout.trim();
  if (sql === "" || sql === "-- This is an empty migration.") {
    console.log(`prisma/schema.prisma has not changed since ${from}.`);
  } else if (name === undefined) {
    console.log(sql);
  } else {
    const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    const dir = path.join("prisma/migrations", `${stamp}_${name}`);
    mkdirSync(dir);
    writeFileSync(path.join(dir, "migration.sql"), `${sql}\n`);
    console.log(`Wrote ${dir}/migration.sql`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
