import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderPayload } from "../../test/orders";
import {
  APP_URL,
  appProxyRequest,
  callAction,
  adminPost,
  adminRequest,
  installShop,
  sessionToken,
  uniqueShop,
  webhookRequest,
} from "../../test/shopify";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import prisma from "../db.server";
import { smtpMailer } from "../email/mailer.server";
import { action as overviewAction, loader as overviewLoader } from "../routes/app._index";
import { loader as checkoutSurvey } from "../routes/api.checkout.survey";
import { action as settingsAction } from "../routes/app.settings";
import { loader as pendingSurvey } from "../routes/proxy.api.pending";
import { action as answerPage, loader as surveyPage } from "../routes/proxy.s.$token";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { action as unsubscribe } from "../routes/proxy.unsubscribe.$token";
import { loadSetupGuide, sendTestSurvey } from "./setup.server";

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

async function newShop(email: string | null = "owner@maison.example") {
  const shop = uniqueShop("setup");
  await installShop(shop);
  await prisma.shop.update({ where: { domain: shop }, data: { email, name: "Maison" } });
  return shop;
}

const stepStates = async (shop: string) =>
  Object.fromEntries((await loadSetupGuide(shop)).steps.map((s) => [s.key, s.state]));

/** The link in the test email for a score. */
function linkFor(message: { text?: string }, score: number): URL {
  const line = (message.text ?? "").split("\n").find((l) => l.trim().startsWith(`${score}:`));
  return new URL(line!.slice(line!.indexOf("https://")));
}

describe("the setup guide", () => {
  it("shows a new shop every step to do, on the Overview", async () => {
    const shop = await newShop();
    const data = await overviewLoader({ request: adminRequest(shop, "/app"), params: {}, context: {} });
    expect(data.guide).toMatchObject({ done: 0, dismissed: false, shopEmail: "owner@maison.example" });
    expect(await stepStates(shop)).toEqual({
      history: "todo",
      embed: "todo",
      checkout: "todo",
      settings: "todo",
      test: "todo",
    });
  });

  it("ticks the embed, the checkout blocks and the settings when the app sees them, not when asked to", async () => {
    const shop = await newShop();
    // The app embed in the theme editor: the merchant is no signed-in customer.
    const embed = await pendingSurvey({ request: appProxyRequest("/api/pending", { shop }), params: {}, context: {} });
    expect(embed.status).toBe(200);
    expect(await stepStates(shop)).toMatchObject({ embed: "done", checkout: "todo" });

    const order = orderPayload((p) => {
      p.created_at = p.updated_at = p.processed_at = new Date().toISOString();
      p.customer.id = 991;
    });
    expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
    const thankYou = new Request(`${APP_URL}/api/checkout/survey?orderId=${order.admin_graphql_api_id}`, {
      headers: {
        origin: "https://extensions.shopifycdn.com",
        authorization: `Bearer ${sessionToken(shop, { sub: "gid://shopify/Customer/991" })}`,
      },
    });
    expect((await checkoutSurvey({ request: thankYou, params: {}, context: {} })).status).toBe(200);
    const guide = await loadSetupGuide(shop);
    expect(guide.steps.find((s) => s.key === "checkout")).toMatchObject({
      state: "running",
      detail: "thank-you page; order status page not yet",
    });

    const saved = await callAction(settingsAction, adminPost(shop, "/app/settings", { settings: JSON.stringify({}) }));
    expect(saved.status).toBe(200);
    expect(await stepStates(shop)).toMatchObject({ settings: "done" });
  });

  it("sends a test survey to the merchant, takes the answer through the App Proxy, and keeps it out of the NPS", async () => {
    const shop = await newShop();
    const mailer = smtpMailer(smtp.url);
    expect(await sendTestSurvey(shop, { mailer })).toEqual({ sentTo: "owner@maison.example" });
    const message = smtp.messages.find((m) => m.subject?.startsWith("[Test]") && m.headers.get("x-nps-shop") === shop);
    expect(message?.to).toMatchObject({ text: "owner@maison.example" });
    expect(await stepStates(shop)).toMatchObject({ test: "running" });

    const link = linkFor(message!, 9);
    expect(link.host).toBe(shop);
    const token = link.pathname.split("/").pop()!;
    const page = await surveyPage({
      request: appProxyRequest(`/s/${token}`, { shop, query: { score: "9" } }),
      params: { token },
      context: {},
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("#TEST");

    // Another shop's App Proxy does not open it.
    const elsewhere = await surveyPage({
      request: appProxyRequest(`/s/${token}`, { shop: uniqueShop("other") }),
      params: { token },
      context: {},
    });
    expect(elsewhere.status).toBe(404);

    const answered = await answerPage({
      request: appProxyRequest(`/s/${token}`, { shop, form: { score: "9", comment: "Clear and quick" } }),
      params: { token },
      context: {},
    });
    expect(answered.status).toBe(200);
    const guide = await loadSetupGuide(shop);
    expect(guide.steps.find((s) => s.key === "test")?.state).toBe("done");
    expect(guide.test).toMatchObject({ score: 9, comment: "Clear and quick" });
    expect(await prisma.response.count({ where: { shop } })).toBe(0);

    // Its unsubscribe link shows what a shopper sees, and suppresses nobody.
    const unsubscribed = await unsubscribe({
      request: appProxyRequest(`/unsubscribe/${token}`, { shop, method: "POST" }),
      params: { token },
      context: {},
    });
    expect(unsubscribed.status).toBe(200);
    expect(await prisma.emailSuppression.count({ where: { shop } })).toBe(0);

    // A new test replaces the old link: answering the old one changes nothing.
    await sendTestSurvey(shop, { mailer });
    const stale = await answerPage({
      request: appProxyRequest(`/s/${token}`, { shop, form: { score: "2" } }),
      params: { token },
      context: {},
    });
    expect(stale.status).toBe(404);
    expect(await stepStates(shop)).toMatchObject({ test: "running" });
  });

  it("says why no test can be sent when the shop has no email, and sends nothing", async () => {
    const shop = await newShop(null);
    const before = smtp.messages.length;
    const res = await overviewAction({
      request: adminPost(shop, "/app", { intent: "test-survey" }),
      params: {},
      context: {},
    });
    expect(res).toBeInstanceOf(Response);
    expect((res as Response).status).toBe(400);
    expect(JSON.stringify(await (res as Response).json())).toContain("no email address");
    expect(smtp.messages.length).toBe(before);
    expect(await prisma.shopSetup.count({ where: { shop } })).toBe(0);
  });

  it("refuses an unknown intent with a 400 that names the expected ones, and can be dismissed and shown again", async () => {
    const shop = await newShop();
    const bad = (await overviewAction({
      request: adminPost(shop, "/app", { intent: "delete-everything" }),
      params: {},
      context: {},
    })) as Response;
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("test-survey");
    expect(await prisma.shopSetup.count({ where: { shop } })).toBe(0);

    await overviewAction({ request: adminPost(shop, "/app", { intent: "dismiss-guide" }), params: {}, context: {} });
    expect((await loadSetupGuide(shop)).dismissed).toBe(true);
    await overviewAction({ request: adminPost(shop, "/app", { intent: "show-guide" }), params: {}, context: {} });
    expect((await loadSetupGuide(shop)).dismissed).toBe(false);
  });
});
