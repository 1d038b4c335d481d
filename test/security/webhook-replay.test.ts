import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { stringifyJson } from "../../app/lib/json";
import { action as appUninstalled } from "../../app/routes/webhooks.app.uninstalled";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { orderPayload } from "../orders";
import { APP_URL, callAction, examplePayload, installShop, uniqueShop, webhookRequest } from "../shopify";

// The HMAC covers the body only. Whoever holds one genuine signed body (a log, a proxy, a
// replay of captured traffic) can send it again with any headers: another shop, another topic.

type Action = Parameters<typeof callAction>[0];

/** The same bytes and the same signature, sent with other headers to another topic's address. */
function replay(genuine: Request, body: string, change: { shop?: string; topic?: string }): Request {
  const headers = new Headers(genuine.headers);
  if (change.shop) headers.set("x-shopify-shop-domain", change.shop);
  if (change.topic) headers.set("x-shopify-topic", change.topic);
  const topic = headers.get("x-shopify-topic")!;
  return new Request(`${APP_URL}/webhooks/${topic}`, { method: "POST", headers, body });
}

/** A genuine signed webhook of `shop`, kept as bytes so it can be replayed unchanged. */
function genuine(topic: string, payload: unknown, shop: string) {
  const body = stringifyJson(payload);
  return { body, request: webhookRequest(topic, body, { shop }) };
}

/** A shop with an order and a session, and everything a replayed webhook could change there. */
async function targetShop() {
  const shop = uniqueShop("target");
  await installShop(shop);
  const order = orderPayload((p) => (p.email = "target-shopper@example.com"));
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  return shop;
}

async function footprint(shop: string) {
  return {
    shop: await prisma.shop.findUnique({ where: { domain: shop }, select: { uninstalledAt: true, scopes: true } }),
    sessions: await prisma.session.count({ where: { shop } }),
    orders: await prisma.order.findMany({ where: { shop }, select: { id: true, email: true } }),
    customers: await prisma.customer.findMany({ where: { shop }, select: { id: true, email: true } }),
    deliveries: await prisma.webhookDelivery.count({ where: { shop } }),
    dataRequests: await prisma.dataRequest.count({ where: { shop } }),
  };
}

async function refused(action: Action, request: Request, message: RegExp) {
  const res = await callAction(action, request);
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: string }).error).toMatch(message);
}

describe("a genuine signed webhook replayed with another shop's header and another topic", () => {
  it("refuses a data request replayed as shop/redact, customers/redact or another shop's data request", async () => {
    const source = uniqueShop("source");
    const target = await targetShop();
    const before = await footprint(target);
    const { body, request } = genuine(
      "customers/data_request",
      { ...examplePayload("customers/data_request"), shop_domain: source },
      source,
    );

    await refused(shopRedact, replay(request, body, { shop: target, topic: "shop/redact" }), /orders_requested/);
    await refused(
      customersRedact,
      replay(request, body, { shop: target, topic: "customers/redact" }),
      /orders_requested|data_request/,
    );
    await refused(
      customersDataRequest,
      replay(request, body, { shop: target }),
      new RegExp(`the body is for ${source}.*header names ${target}`),
    );

    expect(await footprint(target)).toEqual(before);
    expect(await prisma.webhookDelivery.count({ where: { shop: source } })).toBe(0);
  });

  it("refuses a shop/redact or customers/redact body replayed for another shop", async () => {
    const source = uniqueShop("source");
    const target = await targetShop();
    const before = await footprint(target);
    const redactShop = genuine("shop/redact", { ...examplePayload("shop/redact"), shop_domain: source }, source);
    await refused(shopRedact, replay(redactShop.request, redactShop.body, { shop: target }), /the body is for/);
    const redactCustomer = genuine(
      "customers/redact",
      { ...examplePayload("customers/redact"), shop_domain: source },
      source,
    );
    await refused(
      customersRedact,
      replay(redactCustomer.request, redactCustomer.body, { shop: target }),
      /the body is for/,
    );
    // shop/redact's body is a subset of the others': a customers/redact body is not a shop/redact.
    await refused(
      shopRedact,
      replay(redactCustomer.request, redactCustomer.body, { shop: source, topic: "shop/redact" }),
      /customer|orders_to_redact/,
    );
    expect(await footprint(target)).toEqual(before);
  });

  it("refuses an app/uninstalled body replayed for another shop, and an order's body as app/uninstalled", async () => {
    const source = uniqueShop("source");
    const target = await targetShop();
    const before = await footprint(target);
    const uninstall = genuine(
      "app/uninstalled",
      { ...examplePayload("app/uninstalled"), myshopify_domain: source },
      source,
    );
    await refused(appUninstalled, replay(uninstall.request, uninstall.body, { shop: target }), /the body is for/);
    const order = genuine("orders/create", orderPayload(), source);
    await refused(
      appUninstalled,
      replay(order.request, order.body, { shop: target, topic: "app/uninstalled" }),
      /myshopify_domain/,
    );
    expect(await footprint(target)).toEqual(before);
    expect((await footprint(target)).shop?.uninstalledAt).toBeNull();
  });

  it("accepts the same bodies with the shop they were signed for (the refusals are not blanket)", async () => {
    const shop = uniqueShop("source");
    const { request } = genuine(
      "customers/data_request",
      { ...examplePayload("customers/data_request"), shop_domain: shop },
      shop,
    );
    expect((await callAction(customersDataRequest, request)).status).toBe(200);
    const uninstall = genuine(
      "app/uninstalled",
      { ...examplePayload("app/uninstalled"), myshopify_domain: shop },
      shop,
    );
    expect((await callAction(appUninstalled, uninstall.request)).status).toBe(200);
  });
});

describe("the shop header must name a shop", () => {
  it("refuses a validly signed webhook whose X-Shopify-Shop-Domain is not <name>.myshopify.com", async () => {
    const headers = [
      "evil.example.com",
      "shop.myshopify.com.evil.example",
      "Shop.MyShopify.com",
      "../shop.myshopify.com",
      "shop.myshopify.com/x",
      ".myshopify.com",
    ];
    for (const shop of headers) {
      const res = await callAction(ordersCreate, webhookRequest("orders/create", orderPayload(), { shop }));
      expect(res.status, shop).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/X-Shopify-Shop-Domain must be a shop domain/);
      expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
      expect(await prisma.order.count({ where: { shop } })).toBe(0);
    }
  });
});
