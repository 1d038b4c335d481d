import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { defineConfig } from "prisma/config";

// The schema's datasource names DATABASE_URL, and the CLI refuses to read the schema
// when it is unset; no connection is made with it (the CLI talks through the adapter).
process.env.DATABASE_URL ??= "postgresql://unused@localhost/unused";

// The Prisma CLI only generates the client and diffs schemas into migration SQL
// (`npm run db:diff`). Its adapter is an in-memory PGlite: it never opens the app's data
// folder; migrations are applied by the app itself (docs/decisions/003).
export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPGlite(new PGlite()),
});
