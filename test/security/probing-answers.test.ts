import { describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../../app/db.server";
import { loader as brandsPage } from "../../app/routes/app.brands._index";
import { loader as brandPage } from "../../app/routes/app.brands.$vendor";
import { loader as queuePage } from "../../app/routes/app.detractors";
import { loader as healthz } from "../../app/routes/healthz";
import { APP_URL, installShop, sessionToken, thrownResponse, uniqueShop } from "../shopify";

// What a caller learns by probing: /healthz is public, and admin links are typed by hand.

/** The process's database, replaced while `run` runs (app/db.server.ts keeps it on globalThis). */
async function withDatabase<T>(replacement: Database, run: () => Promise<T>): Promise<T> {
  const holder = globalThis as { [key: symbol]: Database | undefined };
  const key = Symbol.for("nps.database");
  const real = openDatabase();
  holder[key] = replacement;
  try {
    return await run();
  } finally {
    holder[key] = real;
  }
}

describe("/healthz", () => {
  it("says the database is unreachable without the database's own message", async () => {
    const secretBits = ["10.20.30.40", "nps_owner", "webhook_deliveries", "s3cr3t"];
    const failing = {
      ...openDatabase(),
      sql: {
        query: () =>
          Promise.reject(
            new Error(
              'password authentication failed for user "nps_owner" (s3cr3t) at 10.20.30.40: webhook_deliveries',
            ),
          ),
        exec: () => Promise.reject(new Error("unreachable")),
      },
    } as Database;
    const res = await withDatabase(failing, () => healthz());
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ ok: false, error: "The database cannot be reached." });
    for (const bit of secretBits) expect(text).not.toContain(bit);
    // The real database answers again.
    expect(await (await healthz()).json()).toMatchObject({ ok: true });
  });
});

describe("an absurd ?page= on an admin list", () => {
  const absurd = ["99999999999999999999", "1e9", "100001", "0", "-1", "2.5", "abc", "0x10", " 2"];

  it("is answered with 400 naming page, never a 500 from the database", async () => {
    const shop = uniqueShop("paging");
    await installShop(shop);
    const args = (path: string, params: Record<string, string> = {}) => ({
      request: new Request(`${APP_URL}${path}&shop=${shop}&embedded=1`, {
        headers: { authorization: `Bearer ${sessionToken(shop)}` },
      }),
      params,
      context: {},
    });
    const pages = [
      (page: string) => queuePage(args(`/app/detractors?page=${encodeURIComponent(page)}`)),
      (page: string) => brandsPage(args(`/app/brands?page=${encodeURIComponent(page)}`)),
      (page: string) => brandPage(args(`/app/brands/Acme?page=${encodeURIComponent(page)}`, { vendor: "Acme" })),
    ];
    for (const load of pages) {
      for (const page of absurd) {
        const res = await thrownResponse(load(page));
        expect(res.status, page).toBe(400);
        expect(await res.text()).toMatch(/page must be a whole number from 1 to 100000/);
      }
    }
    // Sane pages still load (an empty shop has one page of nothing).
    expect((await queuePage(args("/app/detractors?page=3"))).list.page).toBe(3);
    expect((await brandsPage(args("/app/brands?page=2"))).brands.page).toBe(1);
  });
});
