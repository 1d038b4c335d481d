import { describe, expect, it } from "vitest";
import { orderPayload } from "../test/orders";
import { callAction, examplePayload, uniqueShop, webhookRequest } from "../test/shopify";
import prisma from "./db.server";
import { action as appUninstalled } from "./routes/webhooks.app.uninstalled";
import { action as scopesUpdate } from "./routes/webhooks.app.scopes_update";
import { action as customersDataRequest } from "./routes/webhooks.customers.data_request";
import { action as customersRedact } from "./routes/webhooks.customers.redact";
import { action as ordersCreate } from "./routes/webhooks.orders.create";
import { action as shopRedact } from "./routes/webhooks.shop.redact";

const call = callAction;

/** A shop with one customer's order answered with a comment, and a case with a note. */
async function shopWithAnsweredOrder() {
  const shop = uniqueShop();
  const body = orderPayload((p) => {
    p.customer.id = 424242;
    p.customer.admin_graphql_api_id = "gid://shopify/Customer/424242";
    p.customer.email = "ana@example.com";
    p.email = "ana@example.com";
  });
  expect((await call(ordersCreate, webhookRequest("orders/create", body, { shop }))).status).toBe(200);
  const order = await prisma.order.findFirstOrThrow({ where: { shop } });
  const response = await prisma.response.create({
    data: {
      shop,
      orderId: order.id,
      customerId: order.customerId,
      stage: "POST_DELIVERY",
      score: 2,
      category: "DETRACTOR",
      comment: "My name is Ana Souza and the parcel never came.",
      channel: "EMAIL",
    },
  });
  await prisma.followUpCase.create({
    data: { shop, responseId: response.id, notes: { create: { author: "Maya", body: "Called Ana on +351 555" } } },
  });
  await prisma.session.create({
    data: { id: `offline_${shop}`, shop, state: "", accessToken: "token", isOnline: false },
  });
  return { shop, orderShopifyId: body.id as bigint };
}

describe("customers/redact", () => {
  it("removes the customer's personal data and comments, keeping anonymous scores", async () => {
    const { shop, orderShopifyId } = await shopWithAnsweredOrder();
    const payload = {
      ...examplePayload("customers/redact"),
      shop_domain: shop,
      customer: { id: 424242, email: "ana@example.com", phone: null },
      orders_to_redact: [orderShopifyId],
    };
    const res = await call(customersRedact, webhookRequest("customers/redact", payload, { shop }));
    expect(res.status).toBe(200);

    const customer = await prisma.customer.findFirstOrThrow({ where: { shop } });
    expect(customer).toMatchObject({ email: null, firstName: null, lastName: null });
    expect(customer.redactedAt).not.toBeNull();
    const order = await prisma.order.findFirstOrThrow({ where: { shop } });
    expect(order.email).toBeNull();
    const response = await prisma.response.findFirstOrThrow({ where: { shop } });
    expect(response.comment).toBeNull();
    expect(response.score).toBe(2);
    expect(await prisma.caseNote.count({ where: { case: { shop } } })).toBe(0);
  });

  it("answers Shopify's documented example for an unknown customer without failing", async () => {
    const shop = uniqueShop();
    const res = await call(
      customersRedact,
      webhookRequest("customers/redact", { ...examplePayload("customers/redact"), shop_domain: shop }, { shop }),
    );
    expect(res.status).toBe(200);
  });
});

describe("customers/data_request", () => {
  it("assembles the customer's data as JSON and records the request", async () => {
    const { shop, orderShopifyId } = await shopWithAnsweredOrder();
    const payload = {
      ...examplePayload("customers/data_request"),
      shop_domain: shop,
      customer: { id: 424242, email: "ana@example.com", phone: null },
      orders_requested: [orderShopifyId],
    };
    expect((await call(customersDataRequest, webhookRequest("customers/data_request", payload, { shop }))).status).toBe(
      200,
    );
    const request = await prisma.dataRequest.findFirstOrThrow({ where: { shop } });
    expect(request.shopifyCustomerId).toBe(424242n);
    const data = request.data as {
      customers: Array<{ email: string }>;
      orders: Array<{ shopifyId: string }>;
      surveyAnswers: Array<{ score: number; comment: string }>;
    };
    expect(data.customers[0]!.email).toBe("ana@example.com");
    expect(data.orders[0]!.shopifyId).toBe(String(orderShopifyId));
    expect(data.surveyAnswers[0]).toMatchObject({
      score: 2,
      comment: "My name is Ana Souza and the parcel never came.",
    });
  });
});

describe("shop/redact", () => {
  it("deletes every row of the shop and nothing of another shop", async () => {
    const { shop } = await shopWithAnsweredOrder();
    const { shop: other } = await shopWithAnsweredOrder();
    const payload = { ...examplePayload("shop/redact"), shop_domain: shop };
    expect((await call(shopRedact, webhookRequest("shop/redact", payload, { shop }))).status).toBe(200);

    for (const count of [
      prisma.shop.count({ where: { domain: shop } }),
      prisma.order.count({ where: { shop } }),
      prisma.orderLine.count({ where: { shop } }),
      prisma.customer.count({ where: { shop } }),
      prisma.response.count({ where: { shop } }),
      prisma.followUpCase.count({ where: { shop } }),
      prisma.session.count({ where: { shop } }),
    ]) {
      expect(await count).toBe(0);
    }
    expect(await prisma.order.count({ where: { shop: other } })).toBe(1);
    expect(await prisma.response.count({ where: { shop: other } })).toBe(1);
  });
});

describe("app/uninstalled and app/scopes_update", () => {
  it("marks the shop uninstalled and removes its sessions, keeping its data", async () => {
    const { shop } = await shopWithAnsweredOrder();
    const res = await call(
      appUninstalled,
      webhookRequest("app/uninstalled", examplePayload("app/uninstalled"), { shop }),
    );
    expect(res.status).toBe(200);
    const stored = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(stored.uninstalledAt).not.toBeNull();
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.order.count({ where: { shop } })).toBe(1);
  });

  it("records the scopes the merchant granted", async () => {
    const { shop } = await shopWithAnsweredOrder();
    const payload = { ...examplePayload("app/scopes_update"), current: ["read_orders", "read_customers"] };
    expect((await call(scopesUpdate, webhookRequest("app/scopes_update", payload, { shop }))).status).toBe(200);
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).scopes).toBe(
      "read_orders,read_customers",
    );
    expect((await prisma.session.findFirstOrThrow({ where: { shop } })).scope).toBe("read_orders,read_customers");
  });
});
