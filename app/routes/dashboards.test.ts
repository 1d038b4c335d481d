import { describe, expect, it } from "vitest";
import { APP_URL, installShop, sessionToken, uniqueShop, thrownResponse } from "../../test/shopify";
import { loader as overview } from "./app._index";
import { loader as brands } from "./app.brands._index";
import { loader as brand } from "./app.brands.$vendor";
import { loader as segments } from "./app.segments";
import { loader as theme } from "./app.themes.$key";
import { loader as themes } from "./app.themes._index";
import { loader as value } from "./app.value";

const request = (shop: string, path: string) =>
  new Request(`${APP_URL}${path}${path.includes("?") ? "&" : "?"}shop=${shop}&embedded=1`, {
    headers: { authorization: `Bearer ${sessionToken(shop)}` },
  });

describe("dashboard pages", () => {
  it("load for a new shop without answers, saying so rather than showing zeros as scores", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const args = (path: string) => ({ request: request(shop, path), params: {}, context: {} });
    const o = await overview(args("/app"));
    expect(o.state).toEqual({ answers: false, importing: false });
    expect(o.overview.overall).toMatchObject({ n: 0, nps: null, ciLow: null, enoughAnswers: false });
    expect(o.overview.rates).toMatchObject({ sent: 0, rate: null });
    const b = await brands(args("/app/brands?q=acme&sort=n&dir=asc&page=3"));
    expect(b.brands).toMatchObject({ total: 0, page: 1, pages: 1, brands: [] });
    const s = await segments(args("/app/segments?range=30d&stage=post"));
    expect(s.segments.segments).toEqual([]);
    const t = await themes(args("/app/themes?stage=pre"));
    expect(t.report).toMatchObject({ answers: 0, pending: 0 });
    expect(t.report.groups).toHaveLength(12);
    expect(t.report.groups.every((g) => g.n === 0 && g.nps === null && g.impact === null)).toBe(true);
    const d = await theme({ ...args("/app/themes/damaged"), params: { key: "damaged" } });
    expect(d.theme).toMatchObject({ figures: { n: 0 }, comments: [], hasNext: false });
    const v = await value(args("/app/value"));
    expect(v.worth.categories.every((g) => g.d90.reordered.n === 0 && !g.enough)).toBe(true);
    expect(v.worth.risk).toMatchObject({ customers: 0, revenue: 0 });
  });

  it("answers a link with a bad filter with 400 and what was wrong", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const res = await thrownResponse(
      overview({
        request: request(shop, "/app?from=2026-13-01&stage=later&theme=x%27%3B%20DROP%20TABLE%20responses"),
        params: {},
        context: {},
      }),
    );
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toBe(
      "This link has a filter the page cannot use: from is not a calendar date; stage must be pre or post; theme must be a theme key such as damaged.",
    );
  });

  it("answers a theme the shop does not have with 404", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const res = await thrownResponse(
      theme({ request: request(shop, "/app/themes/nope"), params: { key: "nope" }, context: {} }),
    );
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("nope");
  });

  it("answers a brand the shop does not sell with 404", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const res = await thrownResponse(
      brand({ request: request(shop, "/app/brands/Nobody"), params: { vendor: "Nobody" }, context: {} }),
    );
    expect(res.status).toBe(404);
    expect(await res.text()).toContain("Nobody");
  });
});
