import { describe, expect, it } from "vitest";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop } from "../../test/shopify";
import prisma from "../db.server";
import { createWebhookEndpoint } from "../models/webhooks.server";
import { action, loader } from "./app.settings_.integrations";

function adminRequest(shop: string, form?: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form ?? {})) for (const x of [v].flat()) body.append(k, x);
  return new Request(`${APP_URL}/app/settings/integrations?shop=${shop}&embedded=1`, {
    method: form ? "POST" : "GET",
    body: form ? body : undefined,
    headers: { authorization: `Bearer ${sessionToken(shop)}` },
  });
}

describe("Settings → Integrations", () => {
  it("adds an endpoint, lists it with its secret, and switches it off and on", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const res = await callAction(
      action,
      adminRequest(shop, {
        intent: "create",
        url: "https://crm.example.com/nps",
        topics: ["answer.created", "case.status_changed"],
      }),
    );
    expect(res.status).toBe(200);
    const data = await loader({ request: adminRequest(shop), params: {}, context: {} });
    expect(data.endpoints).toEqual([
      expect.objectContaining({
        url: "https://crm.example.com/nps",
        topics: ["answer.created", "case.status_changed"],
        enabled: true,
        secret: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    const id = String(data.endpoints[0]!.id);
    expect((await callAction(action, adminRequest(shop, { intent: "disable", id }))).status).toBe(200);
    expect(await prisma.webhookEndpoint.findFirstOrThrow({ where: { shop } })).toMatchObject({ enabled: false });
  });

  it("answers a private address, plain http, no events or another shop's endpoint with 400 and a reason, changing nothing", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    await installShop(shop);
    await installShop(other);
    const theirs = await createWebhookEndpoint(other, {
      url: "https://other.example.com/x",
      topics: ["answer.created"],
    });
    const cases: Array<[Record<string, string | string[]>, string, RegExp]> = [
      [{ intent: "create", url: "https://192.168.1.10/hook", topics: "answer.created" }, "url", /private/],
      [{ intent: "create", url: "http://crm.example.com/hook", topics: "answer.created" }, "url", /https/],
      [{ intent: "create", url: "https://crm.example.com/hook" }, "topics", /at least one event/],
      [{ intent: "create", url: "https://crm.example.com/hook", topics: "order.paid" }, "topics", /Events are/],
      [{ intent: "delete", id: String(theirs) }, "form", /no longer exists/],
      [{ intent: "disable", id: String(theirs) }, "form", /no longer exists/],
      [{ intent: "explode" }, "form", /Unknown action/],
      [{ intent: "create", url: "", topics: "answer.created" }, "url", /Enter the endpoint's URL/],
      [{ intent: "delete", id: "2147483648" }, "form", /no longer exists/],
    ];
    for (const [form, field, reason] of cases) {
      const res = await callAction(action, adminRequest(shop, form));
      expect(res.status, JSON.stringify(form)).toBe(400);
      const body = (await res.json()) as { errors: Record<string, string> };
      expect(body.errors[field], JSON.stringify(form)).toMatch(reason);
    }
    expect(await prisma.webhookEndpoint.count({ where: { shop } })).toBe(0);
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: theirs } })).toMatchObject({ enabled: true });
  });
});
