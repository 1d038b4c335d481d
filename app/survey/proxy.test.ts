import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderPayload, type Payload } from "../../test/orders";
import { appProxyRequest, callAction, callLoader, uniqueShop, webhookRequest } from "../../test/shopify";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import prisma from "../db.server";
import { smtpMailer } from "../email/mailer.server";
import { dispatchDueInvitations } from "../models/invitation-sender.server";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { action as pendingAnswer, loader as pendingSurvey } from "../routes/proxy.api.pending";
import { action as apiAnswer, loader as apiSurvey } from "../routes/proxy.api.survey";
import { action as answer, loader as surveyPage } from "../routes/proxy.s.$token";
import { action as unsubscribe, loader as unsubscribePage } from "../routes/proxy.unsubscribe.$token";

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

/** A shop whose order's pre-delivery invitation was emailed; returns the token from the email. */
async function emailedSurvey(change: (p: Payload) => void = () => {}) {
  const shop = uniqueShop();
  const order = orderPayload((p) => {
    const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
    p.created_at = p.updated_at = p.processed_at = at;
    change(p);
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  await dispatchDueInvitations({ mailer: smtpMailer(smtp.url), shop });
  const mail = smtp.messages.find((m) => m.messageId?.endsWith(`@${shop}>`))!;
  const token = /\/apps\/nps\/s\/([A-Za-z0-9_-]+)\?score=0/.exec(String(mail.text))![1]!;
  return { shop, token };
}

const responses = (shop: string) => prisma.response.findMany({ where: { shop } });
const open = (token: string, options: Parameters<typeof appProxyRequest>[1]) =>
  callLoader(surveyPage, appProxyRequest(`/s/${token}`, options), { token });
const post = (token: string, options: Parameters<typeof appProxyRequest>[1]) =>
  callAction(answer, appProxyRequest(`/s/${token}`, { method: "POST", ...options }), { token });

describe("the emailed survey page, through the App Proxy", () => {
  it("shows the score from the link preselected, with its follow-up question, and records nothing", async () => {
    const { shop, token } = await emailedSurvey();
    const res = await open(token, { shop, query: { score: "3" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/liquid");
    const html = await res.text();
    expect(html).toContain('value="3" checked');
    expect(html).toContain("What disappointed you most, and how can we put it right?");
    expect(html).toContain(`action="/apps/nps/s/${token}"`);
    expect(html).toMatch(/role="radiogroup"/);
    expect(await responses(shop)).toHaveLength(0);
  });

  it("records the answer once and edits it when the shopper answers again", async () => {
    const { shop, token } = await emailedSurvey();
    const comment = 'Late again <script>alert("x")</script> {{ shop.name }}';
    const first = await post(token, { shop, form: { score: "3", comment } });
    expect(first.status).toBe(200);
    const page = await first.text();
    expect(page).not.toContain("<script>alert");
    expect(page).not.toContain("{{");
    expect(page).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#123;&#123; shop.name &#125;&#125;");

    let [stored, ...more] = await responses(shop);
    expect(more).toHaveLength(0);
    expect(stored).toMatchObject({
      score: 3,
      category: "DETRACTOR",
      comment,
      channel: "STOREFRONT",
      stage: "PRE_DELIVERY",
    });
    expect(stored!.followUpQuestion).toBe("What disappointed you most, and how can we put it right?");

    expect((await post(token, { shop, form: { score: "9" } })).status).toBe(200);
    [stored, ...more] = await responses(shop);
    expect(more).toHaveLength(0);
    expect(stored).toMatchObject({ score: 9, category: "PROMOTER", comment });
    const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    expect(invitation.status).toBe("ANSWERED");
  });

  it("answers in the order's language", async () => {
    const { shop, token } = await emailedSurvey((p) => (p.customer_locale = "de"));
    const html = await (await open(token, { shop, query: { score: "10" } })).text();
    expect(html).toContain('lang="de"');
    expect(html).toContain("Was hat Ihnen an Ihrem Einkauf bei uns am besten gefallen?");
  });

  it("refuses unsigned, wrongly signed and stale requests with 401, recording nothing", async () => {
    const { shop, token } = await emailedSurvey();
    expect((await open(token, { shop, signed: false })).status).toBe(401);
    expect((await open(token, { shop, secret: "not-the-secret" })).status).toBe(401);
    expect((await open(token, { shop, timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    expect((await post(token, { shop, signed: false, form: { score: "5" } })).status).toBe(401);
    expect((await post(token, { shop, secret: "not-the-secret", form: { score: "5" } })).status).toBe(401);
    expect(await responses(shop)).toHaveLength(0);
  });

  it("rejects a score outside 0-10 or a comment over 2,000 characters with 400, recording nothing", async () => {
    const { shop, token } = await emailedSurvey();
    const forms: Array<Record<string, string>> = [
      { score: "11" },
      { score: "seven" },
      {},
      { score: "5", comment: "x".repeat(2001) },
    ];
    for (const form of forms) {
      const res = await post(token, { shop, form });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('role="alert"');
    }
    expect(await responses(shop)).toHaveLength(0);
  });

  it("answers unknown tokens with 404 and closed surveys with 410, recording nothing", async () => {
    const { shop, token } = await emailedSurvey();
    const unknown = "A".repeat(32);
    expect((await open(unknown, { shop })).status).toBe(404);
    expect((await post(unknown, { shop, form: { score: "5" } })).status).toBe(404);
    // A token is only valid through the shop it belongs to.
    expect((await open(token, { shop: uniqueShop() })).status).toBe(404);

    await prisma.surveyInvitation.updateMany({ where: { shop }, data: { status: "EXPIRED" } });
    const expired = await open(token, { shop });
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain("This survey has closed");
    expect((await post(token, { shop, form: { score: "5" } })).status).toBe(410);
    expect(await responses(shop)).toHaveLength(0);
  });
});

describe("unsubscribing", () => {
  it("asks for confirmation on GET and unsubscribes on POST", async () => {
    const { shop, token } = await emailedSurvey();
    const confirm = await callLoader(unsubscribePage, appProxyRequest(`/unsubscribe/${token}`, { shop }), { token });
    expect(confirm.status).toBe(200);
    expect(await prisma.emailSuppression.count({ where: { shop } })).toBe(0);
    const done = await callAction(
      unsubscribe,
      appProxyRequest(`/unsubscribe/${token}`, { shop, method: "POST", form: { "List-Unsubscribe": "One-Click" } }),
      { token },
    );
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("You will not receive survey emails");
    expect(await prisma.emailSuppression.findMany({ where: { shop } })).toMatchObject([{ email: "jon@example.com" }]);
  });

  it("refuses an unsigned unsubscribe", async () => {
    const { shop, token } = await emailedSurvey();
    const res = await callAction(
      unsubscribe,
      appProxyRequest(`/unsubscribe/${token}`, { shop, method: "POST", signed: false }),
      { token },
    );
    expect(res.status).toBe(401);
    expect(await prisma.emailSuppression.count({ where: { shop } })).toBe(0);
  });
});

describe("the storefront extension's JSON, through the App Proxy", () => {
  it("gives the app block the survey of a token and records its answer", async () => {
    const { shop, token } = await emailedSurvey((p) => (p.customer_locale = "nl"));
    const res = await callLoader(apiSurvey, appProxyRequest("/api/survey", { shop, query: { token } }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      state: "open",
      locale: "nl",
      texts: { followUp: { PROMOTER: "Wat vond je het fijnst aan je ervaring met ons?" } },
      answer: null,
    });
    const posted = await callAction(
      apiAnswer,
      appProxyRequest("/api/survey", { shop, json: { token, score: 7, comment: "Ok" } }),
    );
    expect(posted.status).toBe(200);
    expect(await responses(shop)).toMatchObject([
      { score: 7, category: "PASSIVE", comment: "Ok", channel: "STOREFRONT" },
    ]);
  });

  it("refuses unsigned requests, malformed and unknown tokens", async () => {
    const { shop, token } = await emailedSurvey();
    const get = (options: Parameters<typeof appProxyRequest>[1]) =>
      callLoader(apiSurvey, appProxyRequest("/api/survey", options));
    expect((await get({ shop, query: { token }, signed: false })).status).toBe(401);
    expect((await get({ shop, query: { token: "short" } })).status).toBe(400);
    expect((await get({ shop, query: { token: "B".repeat(32) } })).status).toBe(404);
    const bad = await callAction(apiAnswer, appProxyRequest("/api/survey", { shop, json: { token, score: 12 } }));
    expect(bad.status).toBe(400);
    expect(await responses(shop)).toHaveLength(0);
  });

  it("offers a logged-in customer their open survey once, and nothing to anyone else", async () => {
    const { shop } = await emailedSurvey((p) => {
      p.customer.id = 4242;
      p.customer.admin_graphql_api_id = "gid://shopify/Customer/4242";
    });
    const pending = (customer: string) =>
      callLoader(pendingSurvey, appProxyRequest("/api/pending", { shop, loggedInCustomerId: customer }));
    expect(await (await pending("")).json()).toEqual({ state: "none", reason: "not-logged-in" });
    expect(await (await pending("99")).json()).toEqual({ state: "none", reason: "nothing-pending" });
    expect(await (await pending("4242")).json()).toMatchObject({ state: "open", stage: "PRE_DELIVERY" });

    const posted = await callAction(
      pendingAnswer,
      appProxyRequest("/api/pending", { shop, loggedInCustomerId: "4242", json: { score: 4, comment: "Slow" } }),
    );
    expect(await posted.json()).toEqual({ state: "answered", share: null });
    expect(await responses(shop)).toMatchObject([{ score: 4, channel: "STOREFRONT" }]);
    expect(await (await pending("4242")).json()).toEqual({ state: "none", reason: "nothing-pending" });
  });
});
