import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import pg from "pg";
import { orderPayload } from "./orders";
import { childEnv, freePort, ROOT, type Spawned, startScript } from "./process";
import { TEST_SECRET, uniqueShop, webhookRequest } from "./shopify";
import { waitFor } from "./wait";

const databaseUrl = inject("databaseUrl");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");
const dataRoot = mkdtempSync(path.join(tmpdir(), "nps-workers-"));
const running: Spawned[] = [];
afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dataRoot, { recursive: true, force: true });
});

const appEnv = (port: number, extra: Record<string, string> = {}) =>
  childEnv({
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    SHOPIFY_API_KEY: "test-api-key",
    SHOPIFY_API_SECRET: TEST_SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    ...extra,
  });

describe("background work in worker processes (npm run worker)", () => {
  it("is refused on the embedded database, by the worker and by an app told to leave its work to workers", () => {
    const embedded = { PGLITE_DATA_DIR: path.join(dataRoot, "pglite") };
    const worker = spawnSync(TSX, ["scripts/worker.ts"], { cwd: ROOT, env: appEnv(3999, embedded), encoding: "utf8" });
    expect(worker.status).toBe(1);
    expect(worker.stderr).toContain("npm run worker needs PostgreSQL (DATABASE_URL)");
    const app = spawnSync(TSX, ["server.ts"], {
      cwd: ROOT,
      env: appEnv(3999, { ...embedded, BACKGROUND_WORK: "workers" }),
      encoding: "utf8",
    });
    expect(app.status).toBe(1);
    expect(app.stderr).toContain("BACKGROUND_WORK=workers needs PostgreSQL (DATABASE_URL)");
  }, 60_000);

  it.runIf(databaseUrl)(
    "leaves what the app process recorded to the workers, which apply it once, also what waited for them",
    async () => {
      // A database of its own: on the shared one, other test files' inbox drains would apply
      // this test's deliveries before any worker runs.
      const url = new URL(databaseUrl!);
      const name = `nps_workers_${randomUUID().slice(0, 8)}`;
      const admin = new pg.Client({ connectionString: url.toString() });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      url.pathname = `/${name}`;
      const db = new pg.Client({ connectionString: url.toString() });
      const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
      const port = await freePort();
      const env = appEnv(port, { DATABASE_URL: url.toString(), BACKGROUND_WORK: "workers" });
      running.push(await startScript("server.ts", env, /"msg":"listening"/));
      await db.connect();
      const shop = uniqueShop("workers");
      const send = async (body: unknown) => {
        const request = webhookRequest("orders/create", body, { shop, baseUrl: `http://127.0.0.1:${port}` });
        const res = await fetch(request);
        expect(res.status).toBe(200);
      };
      const first = Array.from({ length: 12 }, () => orderPayload());
      // A retry of the same order under a new webhook id, as Shopify sends one.
      for (const o of [...first, first[0]]) await send(o);
      // The app process answered and applied nothing: no worker runs yet.
      expect(await count("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'RECEIVED'")).toBe(13);
      expect(await count("SELECT count(*)::int AS n FROM orders")).toBe(0);

      running.push(...(await Promise.all([1, 2].map(() => startScript("scripts/worker.ts", env, /worker ready/)))));
      const applied = (n: number) =>
        waitFor(
          `${n} orders applied by the workers`,
          async () => (await count("SELECT count(*)::int AS n FROM orders")) === n,
        );
      await applied(12);
      // Woken by the app process while they run.
      const later = Array.from({ length: 8 }, () => orderPayload());
      for (const o of later) await send(o);
      await applied(20);
      await waitFor(
        "every delivery applied",
        async () =>
          (await count("SELECT count(*)::int AS n FROM webhook_deliveries WHERE status <> 'PROCESSED'")) === 0,
      );
      // One invitation per order (before delivery), none twice.
      expect(await count("SELECT count(*)::int AS n FROM survey_invitations")).toBe(20);
      expect(await count("SELECT count(DISTINCT (order_id, stage))::int AS n FROM survey_invitations")).toBe(20);
      await Promise.all(running.splice(0).map((p) => p.stop()));
      await db.end();
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
    240_000,
  );
});
