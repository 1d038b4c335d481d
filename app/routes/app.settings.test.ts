import { describe, expect, it } from "vitest";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop } from "../../test/shopify";
import prisma from "../db.server";
import { action, loader } from "./app.settings";

function adminRequest(shop: string, init: RequestInit = {}, token = sessionToken(shop)) {
  return new Request(`${APP_URL}/app/settings?shop=${shop}&embedded=1`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
}

function saveRequest(shop: string, settings: unknown) {
  return adminRequest(shop, { method: "POST", body: new URLSearchParams({ settings: JSON.stringify(settings) }) });
}

describe("the Settings page", () => {
  it("loads the shop's settings with their defaults", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const data = await loader({ request: adminRequest(shop), params: {}, context: {} });
    expect(data).toMatchObject({ settings: { preDelay: "PT1H", throttleDays: 30, expiryDays: 30 } });
  });

  it("saves valid settings", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const res = await callAction(
      action,
      saveRequest(shop, {
        preDelay: "PT2H",
        throttleDays: 60,
        replyTo: "care@example.com",
        questions: { fr: { DETRACTOR: "Qu'est-ce qui n'a pas marché ?" } },
      }),
    );
    expect(res.status).toBe(200);
    const stored = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(stored.settings).toMatchObject({
      preDelay: "PT2H",
      throttleDays: 60,
      replyTo: "care@example.com",
      questions: { fr: { DETRACTOR: "Qu'est-ce qui n'a pas marché ?" } },
      expiryDays: 30,
    });
  });

  it("answers invalid values with 422 and an error per field, saving nothing", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const before = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings;
    const res = await callAction(
      action,
      saveRequest(shop, {
        preDelay: "P1M",
        throttleDays: -1,
        expiryDays: null,
        replyTo: "not an email",
        questions: { de: { PASSIVE: "   " } },
      }),
    );
    expect(res.status).toBe(422);
    const body = (await res.json()) as { ok: false; errors: Record<string, string> };
    expect(body.errors).toMatchObject({
      preDelay: "P1M: use weeks or days (P30D), not years or months",
      throttleDays: "Enter 0 or more days",
      expiryDays: "Enter a whole number of days",
      replyTo: "Enter an email address such as help@example.com",
      "questions.de.PASSIVE": "Write a question or leave the default",
    });
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings).toEqual(before);
  });

  it("refuses a request without a valid session token", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const forged = sessionToken(shop, { secret: "someone-else" });
    const res = await callAction(
      action,
      adminRequest(shop, { method: "POST", body: new URLSearchParams() }, forged),
    ).catch((r: unknown) => r as Response);
    expect(res.status).toBe(401);
  });
});
