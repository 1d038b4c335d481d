import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { orderPayload } from "../orders";
import { callAction, examplePayload, uniqueShop, webhookRequest } from "../shopify";

async function signed(action: Parameters<typeof callAction>[0], topic: string, body: unknown, shop: string) {
  const res = await callAction(action, webhookRequest(topic, body, { shop }));
  expect(res.status, topic).toBe(200);
}

let nextCustomer = 7_300_000_000_000n + BigInt(Math.floor(Math.random() * 1_000_000)) * 1000n;
function orderBy(email: string) {
  const customerId = nextCustomer++;
  return orderPayload((p) => {
    p.email = p.contact_email = email;
    p.customer.id = customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customerId}`;
    p.customer.email = email;
  });
}

// Emails may hold "_" and "%", which LIKE patterns read as wildcards: a privacy request for one
// address must reach that address (in any case) and no other.
describe("privacy requests match a customer's email exactly but for case", () => {
  const tag = randomUUID().slice(0, 8);
  const requested = `ana_lee.${tag}@example.org`;
  const lookalike = `anaxlee.${tag}@example.org`;

  it("customers/data_request returns the requester's orders, not a lookalike address's", async () => {
    const shop = uniqueShop("email");
    const mine = orderBy(requested);
    const sameInCapitals = orderBy(requested.toUpperCase());
    const theirs = orderBy(lookalike);
    for (const o of [mine, sameInCapitals, theirs]) await signed(ordersCreate, "orders/create", o, shop);
    await signed(
      customersDataRequest,
      "customers/data_request",
      {
        ...examplePayload("customers/data_request"),
        shop_domain: shop,
        customer: { id: mine.customer.id, email: requested, phone: null },
        orders_requested: [],
      },
      shop,
    );
    const request = await prisma.dataRequest.findFirstOrThrow({ where: { shop } });
    const exported = JSON.stringify(request.data);
    expect(exported).toContain(String(mine.id));
    expect(exported).toContain(String(sameInCapitals.id));
    expect(exported).not.toContain(String(theirs.id));
    expect(exported).not.toContain(lookalike);
  });

  it("customers/redact erases the requester's records and leaves a lookalike address's, and its unsubscribe, alone", async () => {
    const shop = uniqueShop("email");
    const mine = orderBy(requested);
    const theirs = orderBy(lookalike);
    for (const o of [mine, theirs]) await signed(ordersCreate, "orders/create", o, shop);
    await prisma.emailSuppression.createMany({
      data: [
        { shop, email: requested },
        { shop, email: lookalike },
      ],
    });
    await signed(
      customersRedact,
      "customers/redact",
      {
        ...examplePayload("customers/redact"),
        shop_domain: shop,
        customer: { id: mine.customer.id, email: requested.toUpperCase(), phone: null },
        orders_to_redact: [],
      },
      shop,
    );
    const orders = await prisma.order.findMany({ where: { shop }, select: { shopifyId: true, email: true } });
    expect(orders.find((o) => o.shopifyId === BigInt(mine.id))!.email).toBeNull();
    expect(orders.find((o) => o.shopifyId === BigInt(theirs.id))!.email).toBe(lookalike);
    expect(await prisma.customer.count({ where: { shop, email: lookalike } })).toBe(1);
    expect((await prisma.emailSuppression.findMany({ where: { shop } })).map((s) => s.email)).toEqual([lookalike]);
  });
});
