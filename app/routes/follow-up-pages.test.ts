import { beforeAll, describe, expect, it } from "vitest";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop, thrownResponse } from "../../test/shopify";
import prisma from "../db.server";
import { seedDemoShop } from "../demo/seed.server";
import { priority } from "../domain/follow-up";
import { DEFAULT_THEMES } from "../domain/theme-taxonomy";
import { resetShopTheme, saveShopTheme } from "../models/themes.server";
import { action as alertsAction, loader as alertsLoader } from "./app.alerts";
import { action as caseAction, loader as caseLoader } from "./app.cases.$id";
import { action as queueAction, loader as queueLoader } from "./app.detractors";
import { loader as exportLoader } from "./app.export.$kind";

const shop = uniqueShop("followup");

const request = (path: string, init: RequestInit = {}) =>
  new Request(`${APP_URL}${path}${path.includes("?") ? "&" : "?"}shop=${shop}&embedded=1`, {
    ...init,
    headers: { authorization: `Bearer ${sessionToken(shop)}` },
  });
const post = (path: string, fields: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const item of [v].flat()) body.append(k, item);
  return request(path, { method: "POST", body });
};

describe("follow-up pages", () => {
  beforeAll(async () => {
    await seedDemoShop({ shop, orders: 3000, customers: 800 });
    await installShop(shop).catch(() => undefined);
  }, 120_000);

  it("orders the queue by the documented priority, open cases only by default", async () => {
    const data = await queueLoader({ request: request("/app/detractors?range=all"), params: {}, context: {} });
    expect(data.list.rows.length).toBeGreaterThan(10);
    expect(data.list.rows.every((r) => r.status === null || ["NEW", "CONTACTED"].includes(r.status))).toBe(true);
    const customers = await prisma.customer.findMany({ where: { shop }, select: { email: true, mScore: true } });
    const mScore = new Map(customers.map((c) => [c.email, c.mScore]));
    for (const r of data.list.rows) {
      expect(r.priority).toBe(
        priority({
          score: r.score,
          segment: r.segment,
          mScore: mScore.get(r.customerEmail) ?? null,
          ageDays: r.ageDays,
        }),
      );
    }
    const priorities = data.list.rows.map((r) => r.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
    const passives = await queueLoader({
      request: request("/app/detractors?tab=passives&status=all"),
      params: {},
      context: {},
    });
    expect(passives.list.rows.every((r) => r.score === 7 || r.score === 8)).toBe(true);
  });

  it("changes the status of several cases at once, with each change in their history", async () => {
    const open = await prisma.followUpCase.findMany({ where: { shop, status: "NEW" }, take: 3, select: { id: true } });
    const ids = open.map((c) => String(c.id));
    const res = await callAction(queueAction, post("/app/detractors", { ids, status: "CONTACTED" }));
    expect(await res.json()).toEqual({ ok: true, changed: 3, status: "CONTACTED" });
    const events = await prisma.caseEvent.findMany({
      where: { caseId: { in: open.map((c) => c.id) }, field: "status" },
    });
    expect(events.map((e) => [e.fromValue, e.toValue, e.actor])).toEqual(
      Array(3).fill(["NEW", "CONTACTED", expect.stringMatching(/^Staff |^Shop staff$/)]),
    );
    const bad = await callAction(queueAction, post("/app/detractors", { ids: [], status: "LOST" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: expect.stringContaining("Select at least one case") });
  });

  it("adds notes and refuses an empty one, a bad status, and another shop's case", async () => {
    const c = await prisma.followUpCase.findFirstOrThrow({ where: { shop }, select: { id: true } });
    const path = `/app/cases/${c.id}`;
    const ok = await callAction(caseAction, post(path, { intent: "note", body: "<img src=x onerror=alert(1)>" }), {
      id: String(c.id),
    });
    expect(await ok.json()).toEqual({ ok: true, message: "Note added." });
    const page = await caseLoader({ request: request(path), params: { id: String(c.id) }, context: {} });
    expect(page.case.notes.at(-1)!.body).toBe("<img src=x onerror=alert(1)>");
    const empty = await callAction(caseAction, post(path, { intent: "note", body: "  " }), { id: String(c.id) });
    expect(empty.status).toBe(400);
    expect(await empty.json()).toEqual({ ok: false, errors: { body: "Write a note" } });
    const status = await callAction(caseAction, post(path, { intent: "update", status: "LOST" }), { id: String(c.id) });
    expect(status.status).toBe(400);
    const other = uniqueShop();
    await installShop(other);
    const foreign = await thrownResponse(
      caseLoader({
        request: new Request(`${APP_URL}${path}?shop=${other}&embedded=1`, {
          headers: { authorization: `Bearer ${sessionToken(other)}` },
        }),
        params: { id: String(c.id) },
        context: {},
      }),
    );
    expect(foreign.status).toBe(404);
    // A number past PostgreSQL's integer is no case either (the query would have failed).
    for (const id of ["2147483648", "0", "1e3", "-4"]) {
      const impossible = await thrownResponse(
        caseLoader({
          request: new Request(`${APP_URL}/app/cases/${id}?shop=${shop}&embedded=1`, {
            headers: { authorization: `Bearer ${sessionToken(shop)}` },
          }),
          params: { id },
          context: {},
        }),
      );
      expect(impossible.status, id).toBe(404);
    }
  });

  it("validates alert rules and lists what failed", async () => {
    const bad = await callAction(
      alertsAction,
      post("/app/alerts", { intent: "create", name: "", scoreMin: "7", scoreMax: "3", emails: "nope" }),
    );
    expect(bad.status).toBe(400);
    const { errors } = (await bad.json()) as { errors: Record<string, string> };
    expect(errors).toMatchObject({ name: "Name the rule", emails: expect.stringContaining("email") });
    const insecure = await callAction(
      alertsAction,
      post("/app/alerts", {
        intent: "create",
        name: "Slack",
        scoreMin: "0",
        scoreMax: "6",
        slackWebhookUrl: "http://hooks.example.com/x",
      }),
    );
    expect(await insecure.json()).toMatchObject({
      errors: { slackWebhookUrl: expect.stringContaining("https://hooks.slack.com/") },
    });
    const ok = await callAction(
      alertsAction,
      post("/app/alerts", {
        intent: "create",
        name: "Champions unhappy",
        scoreMin: "0",
        scoreMax: "6",
        stage: "POST_DELIVERY",
        segments: ["CHAMPIONS", "LOYAL"],
        urgent: "on",
        emails: "a@shop.example, b@shop.example",
      }),
    );
    expect(await ok.json()).toEqual({ ok: true, message: "Rule “Champions unhappy” added." });
    const data = await alertsLoader({ request: request("/app/alerts"), params: {}, context: {} });
    expect(data.rules.at(-1)).toMatchObject({
      segments: ["CHAMPIONS", "LOYAL"],
      emails: ["a@shop.example", "b@shop.example"],
      urgent: true,
      stage: "POST_DELIVERY",
    });

    // A theme spike rule names one of the shop's themes (or none: any theme) and no stage.
    const before = await prisma.alertRule.count({ where: { shop } });
    const spike = (fields: Record<string, string>) =>
      callAction(
        alertsAction,
        post("/app/alerts", {
          intent: "create",
          name: "Spikes",
          kind: "THEME_SPIKE",
          emails: "ops@shop.example",
          ...fields,
        }),
      );
    const unknown = await spike({ theme: "no_such_theme" });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      errors: { theme: "This shop has no theme “no_such_theme” switched on." },
    });
    expect(await (await spike({ theme: "Robert'); DROP TABLE alert_rules" })).json()).toMatchObject({
      errors: { theme: "Choose one of the shop's themes" },
    });
    expect(await (await spike({ theme: "", stage: "PRE_DELIVERY" })).json()).toMatchObject({
      errors: { kind: "A theme spike rule watches the whole shop: no stage or segments" },
    });
    expect(await (await spike({ kind: "EVERYTHING" })).json()).toMatchObject({
      errors: { kind: "Choose what the rule watches" },
    });
    expect(await prisma.alertRule.count({ where: { shop } })).toBe(before);
    expect(await (await spike({ theme: "damaged" })).json()).toMatchObject({ ok: true });
    const rules = await alertsLoader({ request: request("/app/alerts"), params: {}, context: {} });
    expect(rules.rules.at(-1)).toMatchObject({ kind: "THEME_SPIKE", theme: "damaged", stage: null, themeGone: false });
    // Switched off afterwards, the theme can no longer spike: the rule says so.
    const damaged = DEFAULT_THEMES.find((t) => t.key === "damaged")!;
    await saveShopTheme(shop, { ...damaged, enabled: false });
    const after = await alertsLoader({ request: request("/app/alerts"), params: {}, context: {} });
    expect(after.rules.at(-1)).toMatchObject({ theme: "damaged", themeGone: true });
    await resetShopTheme(shop, "damaged");
  });

  it("streams answers and cases as CSV with the filters, text kept from becoming formulas", async () => {
    const first = await prisma.response.findFirstOrThrow({
      where: { shop, category: "DETRACTOR" },
      orderBy: { id: "asc" },
    });
    await prisma.response.update({
      where: { id: first.id },
      data: { comment: '=HYPERLINK("http://x","click") <b>hi</b>' },
    });
    const res = await exportLoader({
      request: request("/app/export/answers?range=all"),
      params: { kind: "answers" },
      context: {},
    });
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="nps-answers-/);
    const text = await res.text();
    const lines = text.trimEnd().split("\n");
    expect(lines[0]).toBe(
      "answer_id,answered_at,order,stage,channel,score,category,comment,themes,follow_up_question,brands,country,customer_email,customer_name,segment,locale",
    );
    expect(lines.length - 1).toBe(await prisma.response.count({ where: { shop } }));
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""click"") <b>hi</b>"`);
    const cases = await exportLoader({
      request: request("/app/export/cases?range=all&status=open&category=detractor"),
      params: { kind: "cases" },
      context: {},
    });
    const caseLines = (await cases.text()).trimEnd().split("\n");
    expect(caseLines.length - 1).toBe(
      await prisma.followUpCase.count({ where: { shop, status: { in: ["NEW", "CONTACTED"] } } }),
    );
    const unknown = await thrownResponse(
      exportLoader({ request: request("/app/export/orders"), params: { kind: "orders" }, context: {} }),
    );
    expect(unknown.status).toBe(404);
  });
});
