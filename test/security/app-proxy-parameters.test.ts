import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { smtpMailer } from "../../app/email/mailer.server";
import { signAppProxyQuery } from "../../app/lib/shopify-signing";
import { dispatchDueInvitations } from "../../app/models/invitation-sender.server";
import { action as pendingAnswer, loader as pendingSurvey } from "../../app/routes/proxy.api.pending";
import { action as surveyForm, loader as surveyPage } from "../../app/routes/proxy.s.$token";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { orderPayload } from "../orders";
import { APP_URL, callAction, callLoader, TEST_SECRET, uniqueShop, webhookRequest } from "../shopify";
import { type SmtpSink, startSmtpSink } from "../smtp";

// Shopify signs a repeated query parameter as its values joined with commas, and forwards the
// shopper's own query string. A shopper who adds `?logged_in_customer_id=4242` to the storefront
// URL gets a validly signed request with two values: the app must not pick one of them.

const VICTIM = "4242";

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

/** A shop where customer 4242 has an open survey, emailed; the token from the email. */
async function victimSurvey() {
  const shop = uniqueShop("proxy");
  const order = orderPayload((p) => {
    const at = new Date(Date.now() - 2 * 3_600_000).toISOString();
    p.created_at = p.updated_at = p.processed_at = at;
    p.customer.id = Number(VICTIM);
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${VICTIM}`;
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  await dispatchDueInvitations({ mailer: smtpMailer(smtp.url), shop });
  const mail = smtp.messages.find((m) => m.messageId?.endsWith(`@${shop}>`))!;
  const token = /\/apps\/nps\/s\/([A-Za-z0-9_-]+)\?score=0/.exec(String(mail.text))![1]!;
  return { shop, token };
}

/**
 * What the App Proxy forwards when the shopper's query string already holds some of the
 * parameters Shopify adds: both values, signed together as Shopify signs them.
 */
function forwarded(path: string, shopper: Array<[string, string]>, shopify: Record<string, string>, form?: object) {
  const params = new URLSearchParams(shopper);
  const added = { logged_in_customer_id: "", path_prefix: "/apps/nps", ...shopify };
  for (const [key, value] of Object.entries(added)) params.append(key, value);
  params.append("timestamp", String(Math.floor(Date.now() / 1000)));
  params.append("signature", signAppProxyQuery(params, TEST_SECRET));
  const url = `${APP_URL}/proxy${path}?${params}`;
  if (!form) return new Request(url);
  return new Request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(form),
  });
}

const answers = (shop: string) => prisma.response.count({ where: { shop } });

async function refused(response: Response, parameter: string) {
  expect(response.status).toBe(400);
  const text = await response.text();
  expect(text).toContain(`The ${parameter} parameter appears more than once`);
  expect(text).not.toContain("PRE_DELIVERY");
}

describe("App Proxy parameters that must appear once", () => {
  it("refuses a second logged_in_customer_id: another shopper cannot read or answer the victim's survey", async () => {
    const { shop } = await victimSurvey();
    const attack = [["logged_in_customer_id", VICTIM]] as Array<[string, string]>;
    await refused(
      await callLoader(pendingSurvey, forwarded("/api/pending", attack, { shop })),
      "logged_in_customer_id",
    );
    await refused(
      await callAction(pendingAnswer, forwarded("/api/pending", attack, { shop }, { score: 0, comment: "Awful" })),
      "logged_in_customer_id",
    );
    expect(await answers(shop)).toBe(0);
    // Signed once, by Shopify, the victim's own id still opens their survey.
    const own = await callLoader(pendingSurvey, forwarded("/api/pending", [], { shop, logged_in_customer_id: VICTIM }));
    expect(await own.json()).toMatchObject({ state: "open", stage: "PRE_DELIVERY" });
  });

  it("refuses a second shop or path_prefix on the survey page and its form, storing nothing", async () => {
    const { shop, token } = await victimSurvey();
    const other = uniqueShop("other");
    const page = (shopper: Array<[string, string]>, form?: object) =>
      form
        ? callAction(surveyForm, forwarded(`/s/${token}`, shopper, { shop }, form), { token })
        : callLoader(surveyPage, forwarded(`/s/${token}`, shopper, { shop }), { token });
    await refused(await page([["shop", other]]), "shop");
    await refused(await page([["path_prefix", "/apps/evil"]]), "path_prefix");
    await refused(await page([["path_prefix", "/apps/evil"]], { score: 9 }), "path_prefix");
    await refused(await page([["shop", other]], { score: 9 }), "shop");
    expect(await answers(shop)).toBe(0);
    expect((await page([])).status).toBe(200);
  });
});
