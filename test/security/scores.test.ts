import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { FormScoreSchema, ScoreSchema } from "../../app/domain/score";
import { smtpMailer } from "../../app/email/mailer.server";
import { dispatchDueInvitations } from "../../app/models/invitation-sender.server";
import { action as checkoutAnswer } from "../../app/routes/api.checkout.survey";
import { action as pendingAnswer } from "../../app/routes/proxy.api.pending";
import { action as tokenAnswer } from "../../app/routes/proxy.api.survey";
import { action as surveyForm } from "../../app/routes/proxy.s.$token";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { orderPayload } from "../orders";
import { APP_URL, appProxyRequest, callAction, sessionToken, uniqueShop, webhookRequest } from "../shopify";
import { type SmtpSink, startSmtpSink } from "../smtp";

// A score is one of the integers 0 to 10. Coercion turned null, "", " ", false and [] into 0
// (a detractor) and true into 1: an empty or garbled answer was stored as the worst score.

/** JSON values that are not scores, each once. */
const NOT_SCORES_JSON: unknown[] = [null, "", " ", false, true, [], [7], {}, "7", 7.5, -1, 11, 1e3, "0x7"];
/** Form values that are not scores: only the digit strings "0" to "10" are. */
const NOT_SCORES_FORM = ["", " ", "true", "false", "null", "[]", "7.0", "07", "+7", " 7", "1e1", "0x7", "-0", "11"];

const CUSTOMER = 4242;

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

/** A shop with a logged-in customer's order, its invitation emailed; the token from the email. */
async function openSurvey() {
  const shop = uniqueShop("scores");
  const order = orderPayload((p) => {
    const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
    p.created_at = p.updated_at = p.processed_at = at;
    p.customer.id = CUSTOMER;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${CUSTOMER}`;
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  await dispatchDueInvitations({ mailer: smtpMailer(smtp.url), shop });
  const mail = smtp.messages.find((m) => m.messageId?.endsWith(`@${shop}>`))!;
  const token = /\/apps\/nps\/s\/([A-Za-z0-9_-]+)\?score=0/.exec(String(mail.text))![1]!;
  return { shop, token, orderId: order.admin_graphql_api_id as string };
}

const stored = (shop: string) => prisma.response.findMany({ where: { shop }, select: { score: true } });

function checkoutRequest(shop: string, body: unknown) {
  return new Request(`${APP_URL}/api/checkout/survey`, {
    method: "POST",
    headers: {
      origin: "https://extensions.shopifycdn.com",
      "content-type": "application/json",
      authorization: `Bearer ${sessionToken(shop, { sub: `gid://shopify/Customer/${CUSTOMER}` })}`,
    },
    body: JSON.stringify(body),
  });
}

async function expectRefusal(res: Response, value: unknown) {
  expect(res.status, JSON.stringify(value)).toBe(400);
  expect(((await res.json()) as { error: string }).error, JSON.stringify(value)).toMatch(
    /^score: The score must be a whole number from 0 to 10/,
  );
}

describe("a score is an integer from 0 to 10, and nothing else becomes one", () => {
  it("takes only integers in JSON and only digit strings in forms", () => {
    for (const value of NOT_SCORES_JSON)
      expect(ScoreSchema.safeParse(value).success, JSON.stringify(value)).toBe(false);
    for (const value of NOT_SCORES_FORM) expect(FormScoreSchema.safeParse(value).success, value).toBe(false);
    for (let n = 0; n <= 10; n++) {
      expect(ScoreSchema.parse(n)).toBe(n);
      expect(FormScoreSchema.parse(String(n))).toBe(n);
      expect(ScoreSchema.safeParse(String(n)).success).toBe(false);
    }
  });

  it("refuses them from the thank-you page extension with 400 naming the field, storing nothing", async () => {
    const { shop, orderId } = await openSurvey();
    for (const score of NOT_SCORES_JSON) {
      await expectRefusal(await callAction(checkoutAnswer, checkoutRequest(shop, { orderId, score })), score);
    }
    await expectRefusal(await callAction(checkoutAnswer, checkoutRequest(shop, { orderId })), "(missing)");
    expect(await stored(shop)).toEqual([]);
    // The same request with a score is stored: the refusals above were for the score alone.
    expect((await callAction(checkoutAnswer, checkoutRequest(shop, { orderId, score: 0 }))).status).toBe(200);
    expect(await stored(shop)).toEqual([{ score: 0 }]);
  });

  it("refuses them from the storefront block, as JSON and as a form, storing nothing", async () => {
    const { shop, token } = await openSurvey();
    for (const score of NOT_SCORES_JSON) {
      const res = await callAction(tokenAnswer, appProxyRequest("/api/survey", { shop, json: { token, score } }));
      await expectRefusal(res, score);
    }
    for (const score of NOT_SCORES_FORM) {
      const res = await callAction(tokenAnswer, appProxyRequest("/api/survey", { shop, form: { token, score } }));
      await expectRefusal(res, score);
    }
    expect(await stored(shop)).toEqual([]);
    const form = await callAction(tokenAnswer, appProxyRequest("/api/survey", { shop, form: { token, score: "10" } }));
    expect(form.status).toBe(200);
    expect(await stored(shop)).toEqual([{ score: 10 }]);
  });

  it("refuses them from the logged-in customer's embed, storing nothing", async () => {
    const { shop } = await openSurvey();
    const answer = (json: unknown) =>
      callAction(pendingAnswer, appProxyRequest("/api/pending", { shop, loggedInCustomerId: String(CUSTOMER), json }));
    for (const score of NOT_SCORES_JSON) await expectRefusal(await answer({ score }), score);
    expect(await stored(shop)).toEqual([]);
    expect((await answer({ score: 6 })).status).toBe(200);
    expect(await stored(shop)).toEqual([{ score: 6 }]);
  });

  it("refuses them from the emailed survey page with 400 and the reason on the page, storing nothing", async () => {
    const { shop, token } = await openSurvey();
    for (const score of NOT_SCORES_FORM) {
      const res = await callAction(
        surveyForm,
        appProxyRequest(`/s/${token}`, { shop, method: "POST", form: { score } }),
        { token },
      );
      expect(res.status, score).toBe(400);
      expect(await res.text()).toContain("The score must be a whole number from 0 to 10");
    }
    expect(await stored(shop)).toEqual([]);
  });
});
