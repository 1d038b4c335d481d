import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeStorefront } from "../../test/admin-schema";
import { adminPost, appProxyRequest, callAction, installShop, uniqueShop } from "../../test/shopify";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import prisma from "../db.server";
import { smtpMailer } from "../email/mailer.server";
import { action as brandingAction } from "../routes/app.settings_.branding";
import { action as settingsAction } from "../routes/app.settings";
import { loader as surveyPage } from "../routes/proxy.s.$token";
import { loader as tokenSurvey } from "../routes/proxy.api.survey";
import { loadSurveyPalette, syncShopBrand } from "./brand.server";
import { sendTestSurvey } from "./setup.server";

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

/** Shopify's Storefront API answering `shop.brand` with these colours and logo. */
const shopifyBrand = (background: string | null, foreground: string | null, logo: string | null) =>
  fakeStorefront(() => ({
    shop: {
      brand: {
        colors: { primary: background ? [{ background, foreground }] : [] },
        logo: logo ? { image: { url: logo } } : null,
      },
    },
  }));

async function brandedShop() {
  const shop = uniqueShop("brand");
  await installShop(shop);
  await prisma.shop.update({ where: { domain: shop }, data: { email: "owner@brand.example", name: "Verde" } });
  const shopify = shopifyBrand("#1F5C3B", "#FFFFFF", "https://cdn.shopify.com/s/files/1/logo.png");
  await syncShopBrand(shop, shopify.storefront);
  expect(shopify.calls).toHaveLength(1);
  return shop;
}

describe("the shop's brand on surveys", () => {
  it("reads the brand from Shopify's Storefront API and draws the survey page, email and block in it", async () => {
    const shop = await brandedShop();
    expect(await loadSurveyPalette(shop)).toMatchObject({
      accent: "#1f5c3b",
      onAccent: "#ffffff",
      logoUrl: "https://cdn.shopify.com/s/files/1/logo.png",
      source: "brand",
    });

    await sendTestSurvey(shop, { mailer: smtpMailer(smtp.url) });
    const message = smtp.messages.find((m) => m.headers.get("x-nps-shop") === shop)!;
    expect(message.html).toContain('src="https://cdn.shopify.com/s/files/1/logo.png"');
    expect(message.html).toContain("border:2px solid #1f5c3b");

    const token = /\/apps\/nps\/s\/([A-Za-z0-9_-]+)/.exec(message.text ?? "")![1]!;
    const page = await surveyPage({
      request: appProxyRequest(`/s/${token}`, { shop }),
      params: { token },
      context: {},
    });
    expect(await page.text()).toContain("--nps-accent:#1f5c3b;--nps-on-accent:#ffffff");

    const block = await tokenSurvey({
      request: appProxyRequest("/api/survey", { shop, query: { token } }),
      params: {},
      context: {},
    });
    expect(await block.json()).toMatchObject({ style: { accent: "#1f5c3b", onAccent: "#ffffff" } });
  });

  it("keeps nothing it cannot use: an unreadable colour or a non-https logo becomes none", async () => {
    const shop = uniqueShop("brand");
    await installShop(shop);
    await syncShopBrand(shop, shopifyBrand("teal", null, "http://insecure.example/logo.png").storefront);
    expect(await loadSurveyPalette(shop)).toMatchObject({ accent: "#1a1a1a", logoUrl: null, source: "neutral" });
  });

  it("saves the merchant's accent, refuses an invalid one with the field's error and changes nothing", async () => {
    const shop = await brandedShop();
    const saved = await callAction(
      brandingAction,
      adminPost(shop, "/app/settings/branding", { intent: "save", useBrand: "on", accent: "#B3261E", showLogo: "on" }),
    );
    expect(saved.status).toBe(200);
    expect(await loadSurveyPalette(shop)).toMatchObject({ accent: "#b3261e", onAccent: "#ffffff", source: "override" });

    const before = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    const refused = await callAction(
      brandingAction,
      adminPost(shop, "/app/settings/branding", {
        intent: "save",
        useBrand: "on",
        accent: "red",
        logoUrl: "javascript:alert(1)",
      }),
    );
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { errors: Record<string, string> };
    expect(Object.keys(body.errors).sort()).toEqual(["accent", "logoUrl"]);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings).toEqual(before.settings);
  });

  it("a save of the main Settings page (from an older tab) keeps the branding", async () => {
    const shop = await brandedShop();
    await callAction(
      brandingAction,
      adminPost(shop, "/app/settings/branding", { intent: "save", useBrand: "on", accent: "#b3261e" }),
    );
    const res = await callAction(settingsAction, adminPost(shop, "/app/settings", { settings: JSON.stringify({}) }));
    expect(res.status).toBe(200);
    expect(await loadSurveyPalette(shop)).toMatchObject({ accent: "#b3261e" });
  });
});
