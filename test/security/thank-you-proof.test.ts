import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { action as checkoutAnswer, loader as checkoutSurvey } from "../../app/routes/api.checkout.survey";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { orderPayload } from "../orders";
import { APP_URL, callAction, sessionToken, uniqueShop, webhookRequest } from "../shopify";

const CONFIRMATION = "XK4P9Q2ZR";

/** A guest's order, as Shopify sends it: no customer, a confirmation number. */
async function guestOrder(shop: string) {
  const order = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = new Date().toISOString();
    p.customer = null;
    p.confirmation_number = CONFIRMATION;
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  return order.admin_graphql_api_id as string;
}

/** The thank-you extension's request; a guest's session token names no customer. */
function thankYou(shop: string, init: { query?: Record<string, string>; body?: unknown; sub?: string } = {}) {
  const headers = new Headers({
    origin: "https://extensions.shopifycdn.com",
    authorization: `Bearer ${sessionToken(shop, { sub: init.sub ?? "" })}`,
  });
  if (init.body !== undefined) headers.set("content-type", "application/json");
  const query = init.query ? `?${new URLSearchParams(init.query)}` : "";
  return new Request(`${APP_URL}/api/checkout/survey${query}`, {
    method: init.body === undefined ? "GET" : "POST",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

type Handler = (args: { request: Request; params: object; context: object }) => Promise<Response>;
async function run(handler: Handler, request: Request) {
  const response = await handler({ request, params: {}, context: {} }).catch((thrown: unknown) => {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Everything an answer would change: the answer, its case and actions, the invitation. */
async function footprint(shop: string) {
  return {
    responses: await prisma.response.count({ where: { shop } }),
    cases: await prisma.followUpCase.count({ where: { shop } }),
    actions: await prisma.answerAction.count({ where: { shop } }),
    invitations: await prisma.surveyInvitation.findMany({
      where: { shop },
      select: { status: true, channel: true, updatedAt: true },
    }),
  };
}

describe("the thank-you page answers a guest only for the order they can prove", () => {
  it("stores the order's confirmation number from the webhook", async () => {
    const shop = uniqueShop();
    await guestOrder(shop);
    expect(await prisma.order.findFirstOrThrow({ where: { shop } })).toMatchObject({
      confirmationNumber: CONFIRMATION,
      customerId: null,
    });
  });

  it("opens the survey with the right confirmation number", async () => {
    const shop = uniqueShop();
    const orderId = await guestOrder(shop);
    const res = await run(
      checkoutSurvey as Handler,
      thankYou(shop, { query: { orderId, confirmationNumber: CONFIRMATION } }),
    );
    expect(res).toMatchObject({ status: 200, body: { state: "open", stage: "PRE_DELIVERY" } });
  });

  it("answers a wrong confirmation number exactly as an order that does not exist", async () => {
    const shop = uniqueShop();
    const orderId = await guestOrder(shop);
    const wrong = await run(
      checkoutSurvey as Handler,
      thankYou(shop, { query: { orderId, confirmationNumber: "AAAAAAAAA" } }),
    );
    const unknown = await run(
      checkoutSurvey as Handler,
      thankYou(shop, { query: { orderId: "gid://shopify/Order/999999999", confirmationNumber: "AAAAAAAAA" } }),
    );
    expect(wrong).toEqual({ status: 200, body: { state: "pending" } });
    expect(unknown).toEqual(wrong);
    // Another shop's session token with the right number: the order is not that shop's.
    const elsewhere = await run(
      checkoutSurvey as Handler,
      thankYou(uniqueShop(), { query: { orderId, confirmationNumber: CONFIRMATION } }),
    );
    expect(elsewhere).toEqual(wrong);
  });

  it("refuses a guest without a confirmation number with 400, before looking the order up", async () => {
    const shop = uniqueShop();
    const orderId = await guestOrder(shop);
    const res = await run(checkoutSurvey as Handler, thankYou(shop, { query: { orderId } }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/confirmationNumber/);
    const malformed = await run(
      checkoutSurvey as Handler,
      thankYou(shop, { query: { orderId, confirmationNumber: "x' OR 1=1 --" } }),
    );
    expect(malformed.status).toBe(400);
  });

  it("records nothing for an answer with a wrong number, another customer's token or no number", async () => {
    const shop = uniqueShop();
    const orderId = await guestOrder(shop);
    const before = await footprint(shop);
    const attempts = [
      thankYou(shop, { body: { orderId, confirmationNumber: "AAAAAAAAA", score: 0, comment: "x" } }),
      thankYou(shop, { body: { orderId, score: 0 }, sub: "gid://shopify/Customer/42" }),
      thankYou(shop, { body: { orderId, score: 0 } }),
    ];
    const statuses = [];
    for (const request of attempts) statuses.push((await run(checkoutAnswer as Handler, request)).status);
    expect(statuses).toEqual([409, 409, 400]);
    expect(await footprint(shop)).toEqual(before);

    const answered = await run(
      checkoutAnswer as Handler,
      thankYou(shop, { body: { orderId, confirmationNumber: CONFIRMATION, score: 9, comment: "Lovely" } }),
    );
    expect(answered).toMatchObject({ status: 200, body: { state: "open", answer: { score: 9 } } });
    expect((await footprint(shop)).responses).toBe(1);
  });
});
