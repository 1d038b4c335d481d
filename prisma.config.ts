import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { defineConfig } from "prisma/config";

// The Prisma CLI is used only to generate the client and to diff the schema into
// migration SQL. Its adapter is an in-memory PGlite: it must never open the app's
// data folder (see docs/decisions/002-embedded-postgres.md). Migrations are applied
// by the app itself (app/db/migrate.server.ts).
// The schema's datasource names DATABASE_URL, and the CLI refuses to read the schema
// when it is unset; no connection is made with it (the CLI talks through the adapter).
process.env.DATABASE_URL ??= "postgresql://unused@localhost/unused";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPGlite(new PGlite()),
});
