import { describe, expect, it } from "vitest";
import { orderPayload, type Payload } from "../../test/orders";
import {
  APP_URL,
  appProxyRequest,
  callAction,
  callLoader,
  sessionToken,
  uniqueShop,
  webhookRequest,
} from "../../test/shopify";
import prisma from "../db.server";
import { saveAdvocacySettings } from "../models/shops.server";
import { loader as shareLink } from "./proxy.r.$link";
import { action as checkoutAnswer, loader as checkoutSurvey } from "./api.checkout.survey";
import { action as accountAnswer, loader as accountSurvey } from "./api.customer-account.survey";
import { action as ordersCreate } from "./webhooks.orders.create";
import { action as ordersFulfilled } from "./webhooks.orders.fulfilled";

const CUSTOMER = "gid://shopify/Customer/777";

async function placeOrder(shop: string, change: (p: Payload) => void = () => {}) {
  const order = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = new Date().toISOString();
    p.customer.id = 777;
    p.customer.admin_graphql_api_id = CUSTOMER;
    p.customer_locale = "es";
    change(p);
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  return order;
}

function extensionRequest(
  path: string,
  shop: string,
  init: { method?: string; body?: unknown; token?: string | null; sub?: string } = {},
) {
  const headers = new Headers({ origin: "https://extensions.shopifycdn.com" });
  const token = init.token === undefined ? sessionToken(shop, { sub: init.sub ?? CUSTOMER }) : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  if (init.body !== undefined) headers.set("content-type", "application/json");
  return new Request(`${APP_URL}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
  });
}

type Handler = (args: { request: Request; params: object; context: object }) => Promise<Response>;
const run = (handler: Handler, request: Request) =>
  handler({ request, params: {}, context: {} }).catch((thrown: unknown) => {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  });

describe("thank-you page endpoint", () => {
  it("shows the pre-delivery question in the shopper's language and records the answer", async () => {
    const shop = uniqueShop();
    const order = await placeOrder(shop);
    const orderId = order.admin_graphql_api_id as string;

    const res = await run(checkoutSurvey as Handler, extensionRequest(`/api/checkout/survey?orderId=${orderId}`, shop));
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const survey = (await res.json()) as { state: string; stage: string; locale: string; texts: { followUp: object } };
    expect(survey).toMatchObject({ state: "open", stage: "PRE_DELIVERY", locale: "es" });
    expect(survey.texts.followUp).toMatchObject({ DETRACTOR: "¿Qué te decepcionó más y cómo podemos solucionarlo?" });

    const answered = await run(
      checkoutAnswer as Handler,
      extensionRequest("/api/checkout/survey", shop, { body: { orderId, score: 2, comment: "Zu teuer <b>!</b>" } }),
    );
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({ state: "open", answer: { score: 2, comment: "Zu teuer <b>!</b>" } });
    const stored = await prisma.response.findMany({ where: { shop } });
    expect(stored).toMatchObject([{ score: 2, category: "DETRACTOR", channel: "THANK_YOU", stage: "PRE_DELIVERY" }]);
    expect((await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } })).status).toBe("ANSWERED");
  });

  it("follows a promoter's answer with the share step, in the shopper's language, with links through the shop", async () => {
    const shop = uniqueShop();
    const order = await placeOrder(shop);
    const saved = await saveAdvocacySettings(shop, {
      referral: { enabled: true, value: 10 },
      review: { kind: "site", siteName: "Trustpilot", siteUrl: "https://www.trustpilot.com/evaluate/shop.example" },
    });
    expect(saved.ok).toBe(true);
    const orderId = order.admin_graphql_api_id as string;
    const answered = await run(
      checkoutAnswer as Handler,
      extensionRequest("/api/checkout/survey", shop, { body: { orderId, score: 10 } }),
    );
    const survey = (await answered.json()) as {
      share: { title: string; referral: { state: string; text: string }; review: { text: string; url: string } };
    };
    // No process creates codes in this test: the code is on its way, and the page says so.
    expect(survey.share).toMatchObject({
      title: "Compártelo",
      referral: { state: "pending" },
      review: { text: "¿Quieres contar tu experiencia en Trustpilot?" },
    });
    expect(survey.share.review.url.startsWith(`https://${shop}/apps/nps/r/`)).toBe(true);
    const link = survey.share.review.url.split("/r/")[1]!;
    const followed = await callLoader(shareLink, appProxyRequest(`/r/${link}`, { shop }), { link });
    expect(followed.headers.get("location")).toBe("https://www.trustpilot.com/evaluate/shop.example");

    // Coming back to the thank-you page shows the same step without a new code.
    const again = await run(
      checkoutSurvey as Handler,
      extensionRequest(`/api/checkout/survey?orderId=${orderId}`, shop),
    );
    expect(((await again.json()) as typeof survey).share.referral.state).toBe("pending");
    expect(await prisma.discountCode.count({ where: { shop } })).toBe(1);
  });

  it("asks the extension to wait while the order's webhook has not arrived", async () => {
    const shop = uniqueShop();
    const res = await run(
      checkoutSurvey as Handler,
      extensionRequest("/api/checkout/survey?orderId=gid://shopify/Order/123&confirmationNumber=QW3RT7YP2", shop, {
        sub: "",
      }),
    );
    expect(await res.json()).toEqual({ state: "pending" });
  });

  it("refuses missing or forged session tokens with 401 and bad input with 400, recording nothing", async () => {
    const shop = uniqueShop();
    const order = await placeOrder(shop);
    const orderId = order.admin_graphql_api_id as string;
    const body = { orderId, score: 5 };
    expect(
      (await run(checkoutAnswer as Handler, extensionRequest("/api/checkout/survey", shop, { body, token: null })))
        .status,
    ).toBe(401);
    const forged = sessionToken(shop, { secret: "not-the-secret" });
    expect(
      (await run(checkoutAnswer as Handler, extensionRequest("/api/checkout/survey", shop, { body, token: forged })))
        .status,
    ).toBe(401);
    for (const bad of [
      { orderId, score: 11 },
      { orderId: "12", score: 5 },
      { orderId, score: 5, comment: "x".repeat(2001) },
      "not json",
    ]) {
      const res = await run(checkoutAnswer as Handler, extensionRequest("/api/checkout/survey", shop, { body: bad }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toBeTruthy();
    }
    expect(await prisma.response.count({ where: { shop } })).toBe(0);
  });

  it("answers the browser's preflight", async () => {
    const shop = uniqueShop();
    const res = await run(
      checkoutAnswer as Handler,
      extensionRequest("/api/checkout/survey", shop, { method: "OPTIONS", token: null }),
    );
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("order status page endpoint", () => {
  it("offers the open stage of the customer's own order, post-delivery first, and edits the answer", async () => {
    const shop = uniqueShop();
    const order = await placeOrder(shop);
    const orderId = order.admin_graphql_api_id as string;
    const ask = () =>
      run(accountSurvey as Handler, extensionRequest(`/api/customer-account/survey?orderId=${orderId}`, shop));
    expect(await (await ask()).json()).toMatchObject({ state: "open", stage: "PRE_DELIVERY" });

    const fulfilledAt = new Date().toISOString();
    const fulfilled = {
      ...order,
      updated_at: fulfilledAt,
      fulfillment_status: "fulfilled",
      fulfillments: [{ created_at: fulfilledAt, status: "success" }],
    };
    await callAction(ordersFulfilled, webhookRequest("orders/fulfilled", fulfilled, { shop }));
    expect(await (await ask()).json()).toMatchObject({ state: "open", stage: "POST_DELIVERY", answer: null });

    const answer = (score: number, comment?: string) =>
      run(
        accountAnswer as Handler,
        extensionRequest("/api/customer-account/survey", shop, { body: { orderId, score, comment } }),
      );
    expect((await answer(6, "Arrived late")).status).toBe(200);
    expect((await answer(8)).status).toBe(200);
    const stored = await prisma.response.findMany({ where: { shop } });
    expect(stored).toMatchObject([
      { stage: "POST_DELIVERY", score: 8, category: "PASSIVE", comment: "Arrived late", channel: "ORDER_STATUS" },
    ]);
  });

  it("shows nothing for someone else's order, answering exactly as for an order that does not exist", async () => {
    const shop = uniqueShop();
    const order = await placeOrder(shop);
    const res = await run(
      accountSurvey as Handler,
      extensionRequest(`/api/customer-account/survey?orderId=${order.admin_graphql_api_id}`, shop, {
        sub: "gid://shopify/Customer/1",
      }),
    );
    const missing = await run(
      accountSurvey as Handler,
      extensionRequest(`/api/customer-account/survey?orderId=gid://shopify/Order/999999999999`, shop, {
        sub: "gid://shopify/Customer/1",
      }),
    );
    expect(await res.json()).toEqual({ state: "none", reason: "unknown-order" });
    expect(await missing.json()).toEqual({ state: "none", reason: "unknown-order" });
    const missingPost = await run(
      accountAnswer as Handler,
      extensionRequest("/api/customer-account/survey", shop, {
        sub: "gid://shopify/Customer/1",
        body: { orderId: "gid://shopify/Order/999999999999", score: 0 },
      }),
    );
    const post = await run(
      accountAnswer as Handler,
      extensionRequest("/api/customer-account/survey", shop, {
        sub: "gid://shopify/Customer/1",
        body: { orderId: order.admin_graphql_api_id, score: 0 },
      }),
    );
    expect(post.status).toBe(404);
    expect(missingPost.status).toBe(404);
    expect(await post.json()).toEqual(await missingPost.json());
    expect(await prisma.response.count({ where: { shop } })).toBe(0);
  });
});

describe("an answer on one channel", () => {
  it("closes the survey on the other on-site channels", async () => {
    const shop = uniqueShop();
    const order = await placeOrder(shop);
    const orderId = order.admin_graphql_api_id as string;
    const answered = await run(
      checkoutAnswer as Handler,
      extensionRequest("/api/checkout/survey", shop, { body: { orderId, score: 9 } }),
    );
    expect(answered.status).toBe(200);
    const elsewhere = await run(
      accountSurvey as Handler,
      extensionRequest(`/api/customer-account/survey?orderId=${orderId}`, shop),
    );
    expect(await elsewhere.json()).toEqual({ state: "none", reason: "answered" });
    const again = await run(
      accountAnswer as Handler,
      extensionRequest("/api/customer-account/survey", shop, { body: { orderId, score: 2 } }),
    );
    expect(again.status).toBe(404);
    expect(await prisma.response.findMany({ where: { shop } })).toMatchObject([{ score: 9, channel: "THANK_YOU" }]);
  });
});
