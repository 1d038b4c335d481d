import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { outboxMailer } from "../../app/email/mailer.server";
import { loadUsage } from "../../app/models/billing.server";
import { sendTestSurvey } from "../../app/models/setup.server";
import { action as branding } from "../../app/routes/app.settings_.branding";
import { loader as pendingSurvey } from "../../app/routes/proxy.api.pending";
import { action as answer, loader as surveyPage } from "../../app/routes/proxy.s.$token";
import { action as subscriptionsUpdate } from "../../app/routes/webhooks.app_subscriptions.update";
import {
  adminPost,
  appProxyRequest,
  callAction,
  examplePayload,
  installShop,
  uniqueShop,
  webhookRequest,
} from "../shopify";

// Plans, the setup guide and the branding in strangers' hands: a paid plan's webhook replayed
// for another shop, a merchant's test survey opened through another shop, an unsigned call
// posing as the storefront embed, markup typed as a colour or a logo.

async function shopWithId(prefix: string, gid: string) {
  const shop = uniqueShop(prefix);
  await installShop(shop);
  await prisma.shop.update({ where: { domain: shop }, data: { shopifyGid: gid, email: `owner@${prefix}.example` } });
  return shop;
}

describe("plans, setup and branding against a stranger", () => {
  it("a Scale subscription's signed body replayed under another shop's header gives that shop nothing", async () => {
    const payer = await shopWithId("payer", "gid://shopify/Shop/1001");
    const victim = await shopWithId("freeloader", "gid://shopify/Shop/2002");
    const payload = examplePayload("app_subscriptions/update") as { app_subscription: Record<string, unknown> };
    Object.assign(payload.app_subscription, {
      admin_graphql_api_id: "gid://shopify/AppSubscription/900",
      admin_graphql_api_shop_id: "gid://shopify/Shop/1001",
      status: "ACTIVE",
      plan_handle: "scale",
      name: "Scale",
      updated_at: new Date().toISOString(),
    });
    expect(
      (await callAction(subscriptionsUpdate, webhookRequest("app_subscriptions/update", payload, { shop: payer })))
        .status,
    ).toBe(200);
    expect(await loadUsage(payer)).toMatchObject({ planHandle: "scale" });

    const res = await callAction(
      subscriptionsUpdate,
      webhookRequest("app_subscriptions/update", payload, { shop: victim }),
    );
    expect(res.status).toBe(200);
    expect(await loadUsage(victim)).toMatchObject({ planHandle: "free", limit: 100 });
    expect((await prisma.shopPlan.findUniqueOrThrow({ where: { shop: victim } })).subscriptionId).toBeNull();
  });

  it("another shop's App Proxy neither opens nor answers a merchant's test survey", async () => {
    const shop = await shopWithId("tester", "gid://shopify/Shop/3003");
    const outbox = mkdtempSync(path.join(tmpdir(), "nps-sec-"));
    await sendTestSurvey(shop, { mailer: outboxMailer(outbox) });
    const eml = readFileSync(path.join(outbox, readdirSync(outbox)[0]!), "utf8").replace(/=\r?\n/g, "");
    const token = /\/apps\/nps\/s\/([A-Za-z0-9_-]{32})/.exec(eml)![1]!;
    const other = uniqueShop("other");
    const opened = await surveyPage({
      request: appProxyRequest(`/s/${token}`, { shop: other }),
      params: { token },
      context: {},
    });
    expect(opened.status).toBe(404);
    const answered = await answer({
      request: appProxyRequest(`/s/${token}`, { shop: other, form: { score: "0", comment: "spam" } }),
      params: { token },
      context: {},
    });
    expect(answered.status).toBe(404);
    expect(await prisma.shopSetup.findUniqueOrThrow({ where: { shop } })).toMatchObject({
      testScore: null,
      testAnsweredAt: null,
    });
  });

  it("an unsigned request posing as the storefront embed ticks no setup step", async () => {
    const shop = await shopWithId("unsigned", "gid://shopify/Shop/4004");
    const res = await pendingSurvey({
      request: appProxyRequest("/api/pending", { shop, signed: false }),
      params: {},
      context: {},
    });
    expect(res.status).toBe(401);
    expect(await prisma.shopSetup.count({ where: { shop } })).toBe(0);
  });

  it("markup typed as a colour or a logo address is refused with the fields' errors, and nothing is stored", async () => {
    const shop = await shopWithId("markup", "gid://shopify/Shop/5005");
    const before = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const res = await callAction(
      branding,
      adminPost(shop, "/app/settings/branding", {
        intent: "save",
        useBrand: "on",
        accent: '#fff"><script>alert(1)</script>',
        logoUrl: "javascript:alert(1)//https://cdn.shopify.com/logo.png",
      }),
    );
    expect(res.status).toBe(400);
    expect(Object.keys(((await res.json()) as { errors: Record<string, string> }).errors).sort()).toEqual([
      "accent",
      "logoUrl",
    ]);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings).toEqual(before.settings);
  });
});
