import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../app/db.server";
import { smtpMailer } from "../app/email/mailer.server";
import { env } from "../app/env.server";
import { connectKlaviyo } from "../app/integrations/klaviyo.server";
import { type ActionDeps, runDueActions } from "../app/models/answer-actions.server";
import { saveAdvocacySettings } from "../app/models/shops.server";
import { createWebhookEndpoint, listWebhookEndpoints } from "../app/models/webhooks.server";
import { loader as overview } from "../app/routes/app._index";
import { action as casePage } from "../app/routes/app.cases.$id";
import { action as thankYouAnswer, loader as thankYouSurvey } from "../app/routes/api.checkout.survey";
import { loader as shareLink } from "../app/routes/proxy.r.$link";
import { action as ordersCreate } from "../app/routes/webhooks.orders.create";
import { fakeAdmin } from "./admin-schema";
import { startKlaviyo } from "./klaviyo-fake";
import { orderPayload, type Payload } from "./orders";
import {
  APP_URL,
  appProxyRequest,
  callAction,
  callLoader,
  installShop,
  sessionToken,
  uniqueShop,
  webhookRequest,
} from "./shopify";
import { type SmtpSink, startSmtpSink } from "./smtp";

// One shop's story through everything after an answer: a promoter's referral code used by a
// friend, a detractor's apology code used on a later order, the merchant's Klaviyo and
// webhook endpoint hearing of both answers, and the Overview counting the revenue. Only
// Shopify's Admin API and Klaviyo are fakes (both checked against their published schemas);
// the database, the SMTP server and the merchant's endpoint are real.

const KEY = "pk_walkthrough0123456789abcdef0123";
const PROMOTER = 4401;
const FRIEND = 4402;
const DETRACTOR = 4403;

let smtp: SmtpSink;
let klaviyo: Awaited<ReturnType<typeof startKlaviyo>>;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
const endpoint = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (d: Buffer) => chunks.push(d));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200).end();
  });
});
beforeAll(async () => {
  smtp = await startSmtpSink();
  klaviyo = await startKlaviyo({ apiKey: KEY });
  Object.assign(env(), { KLAVIYO_API_URL: klaviyo.url });
  await new Promise<void>((resolve) => endpoint.listen(0, "127.0.0.1", resolve));
});
afterAll(async () => {
  await smtp.close();
  await klaviyo.close();
  await new Promise<void>((resolve) => endpoint.close(() => resolve()));
});

/** The verification docs/webhooks.md gives merchants. */
function isFromNps(rawBody: string, header: string | undefined, secret: string) {
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  const given = Buffer.from(header ?? "", "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Shopify's Admin API as this story needs it: discounts, tags, the metafield, Flow. */
let discounts = 0;
const admin = fakeAdmin((call) => {
  if (call.query.includes("discountCodeBasicCreate")) {
    return {
      discountCodeBasicCreate: {
        codeDiscountNode: { id: `gid://shopify/DiscountCodeNode/${++discounts}` },
        userErrors: [],
      },
    };
  }
  for (const field of ["tagsAdd", "tagsRemove", "flowTriggerReceive"]) {
    if (call.query.includes(`${field}(`)) return { [field]: { userErrors: [] } };
  }
  if (call.query.includes("metafieldsSet(")) return { metafieldsSet: { metafields: [], userErrors: [] } };
  throw new Error(`unexpected Admin API call: ${call.query.slice(0, 80)}`);
});

async function order(shop: string, customer: number, change: (p: Payload) => void = () => {}) {
  const payload = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = new Date().toISOString();
    p.customer.id = customer;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customer}`;
    p.customer.first_name = `C${customer}`;
    p.email = p.customer.email = `c${customer}@example.com`;
    p.customer_locale = "en";
    change(p);
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", payload, { shop }))).status).toBe(200);
  return payload;
}

const extension = (shop: string, customer: number, init: { body?: unknown; query?: string } = {}) =>
  new Request(`${APP_URL}/api/checkout/survey${init.query ?? ""}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers: {
      origin: "https://extensions.shopifycdn.com",
      authorization: `Bearer ${sessionToken(shop, { sub: `gid://shopify/Customer/${customer}` })}`,
      ...(init.body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
const run = (handler: (args: never) => Promise<Response>, request: Request, params: Record<string, string> = {}) =>
  (handler as (args: { request: Request; params: object; context: object }) => Promise<Response>)({
    request,
    params,
    context: {},
  });
const adminRequest = (shop: string, path: string, form?: Record<string, string>) =>
  new Request(`${APP_URL}${path}${path.includes("?") ? "&" : "?"}shop=${shop}&embedded=1`, {
    method: form ? "POST" : "GET",
    body: form ? new URLSearchParams(form) : undefined,
    headers: { authorization: `Bearer ${sessionToken(shop)}` },
  });

describe("after the answer: referrals, a second chance, and the merchant's tools", () => {
  it("turns a promoter into referral revenue and a detractor into a won-back order, telling Klaviyo and the webhook once each", async () => {
    const shop = uniqueShop("walk");
    await installShop(shop);
    const deps: ActionDeps = {
      adminFor: async (s) => (s === shop ? admin.graphql : null),
      mailer: () => smtpMailer(smtp.url),
      appUrl: APP_URL,
    };
    await order(shop, 4400); // the shop exists before the merchant sets it up
    expect(
      (
        await saveAdvocacySettings(shop, {
          referral: { enabled: true, type: "percentage", value: 10, codePrefix: "FRIEND" },
          apology: { type: "amount", value: 5, codePrefix: "SORRY" },
        })
      ).ok,
    ).toBe(true);
    await connectKlaviyo(shop, KEY);
    const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/nps`;
    await createWebhookEndpoint(shop, { url, topics: ["answer.created"] });
    const secret = (await listWebhookEndpoints(shop))[0]!.secret;

    // A promoter answers on the thank-you page and gets a referral code to share.
    const promoterOrder = await order(shop, PROMOTER);
    const orderId = promoterOrder.admin_graphql_api_id as string;
    const answered = await run(thankYouAnswer, extension(shop, PROMOTER, { body: { orderId, score: 10 } }));
    expect(answered.status).toBe(200);
    await runDueActions(deps, { shop });
    const step = (await (
      await run(thankYouSurvey, extension(shop, PROMOTER, { query: `?orderId=${orderId}` }))
    ).json()) as {
      share: { referral: { state: string; code: string; shareUrl: string } };
    };
    expect(step.share.referral).toMatchObject({ state: "active", code: expect.stringMatching(/^FRIEND-/) });
    const code = step.share.referral.code;

    // A friend follows the shared link and orders with the code.
    const link = step.share.referral.shareUrl.split("/r/")[1]!;
    const visit = await callLoader(shareLink, appProxyRequest(`/r/${link}`, { shop }), { link });
    expect(visit.headers.get("location")).toBe(`/discount/${code}?redirect=%2F`);
    await order(shop, FRIEND, (p) => {
      p.discount_codes = [{ code, amount: "4.00", type: "percentage" }];
      p.current_total_price = "36.00";
      p.current_total_price_set = { shop_money: { amount: "36.00", currency_code: "EUR" } };
    });

    // A detractor answers; the merchant sends an apology with a code from the case.
    const detractorOrder = await order(shop, DETRACTOR);
    await run(
      thankYouAnswer,
      extension(shop, DETRACTOR, { body: { orderId: detractorOrder.admin_graphql_api_id, score: 2, comment: "Late" } }),
    );
    const kase = await prisma.followUpCase.findFirstOrThrow({ where: { shop } });
    const sent = await callAction(
      casePage,
      adminRequest(shop, `/app/cases/${kase.id}`, { intent: "apology", withCode: "on" }),
      {
        id: String(kase.id),
      },
    );
    expect(sent.status).toBe(200);
    await runDueActions(deps, { shop });
    const apology = smtp.messages.find((m) => JSON.stringify(m.to).includes(`c${DETRACTOR}@example.com`))!;
    const apologyCode = /SORRY-[A-Z2-9]{8}/.exec(String(apology.text))![0];
    await order(shop, DETRACTOR, (p) => {
      p.discount_codes = [{ code: apologyCode, amount: "5.00", type: "fixed_amount" }];
    });

    // The Overview counts both.
    const page = await overview({ request: adminRequest(shop, "/app"), params: {}, context: {} });
    expect(page.referrals).toMatchObject({
      referralOrders: 1,
      referralRevenue: "36.00",
      codesUsed: 1,
      apologyCodes: 1,
      apologyCodesUsed: 1,
    });

    // Shopify got each discount once: one for everyone, one for the detractor only.
    const created = admin.calls.filter((c) => c.query.includes("discountCodeBasicCreate"));
    expect(created.map((c) => (c.variables!.basicCodeDiscount as { code: string }).code)).toEqual([code, apologyCode]);
    expect(created[1]!.variables!.basicCodeDiscount).toMatchObject({
      context: { customers: { add: [`gid://shopify/Customer/${DETRACTOR}`] } },
      usageLimit: 1,
    });

    // Klaviyo heard of each answer once, in order, with the profile's NPS properties.
    await runDueActions(deps, { shop, now: new Date(Date.now() + 3 * 3_600_000) });
    const events = klaviyo.accepted
      .filter((r) => r.operation === "createEvent")
      .map(
        (r) =>
          (
            r.body as {
              data: {
                attributes: {
                  properties: { score: number };
                  profile: { data: { attributes: { email: string; properties: Record<string, unknown> } } };
                };
              };
            }
          ).data.attributes,
      );
    expect(events.map((e) => [e.profile.data.attributes.email, e.properties.score])).toEqual([
      [`c${PROMOTER}@example.com`, 10],
      [`c${DETRACTOR}@example.com`, 2],
    ]);
    expect(events[1]!.profile.data.attributes.properties).toMatchObject({
      nps_last_score: 2,
      nps_category: "detractor",
    });
    expect(klaviyo.refused).toEqual([]);

    // The merchant's endpoint got both answers, signed as docs/webhooks.md says.
    const answers = received.filter((r) => r.headers["x-nps-topic"] === "answer.created");
    expect(answers).toHaveLength(2);
    for (const r of answers) expect(isFromNps(r.body, r.headers["x-nps-hmac-sha256"] as string, secret)).toBe(true);
    expect(
      answers.map((r) => (JSON.parse(r.body) as { data: { answer: { score: number } } }).data.answer.score),
    ).toEqual([10, 2]);
  }, 120_000);
});
