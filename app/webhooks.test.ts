import { describe, expect, it } from "vitest";
import { callAction, examplePayload, uniqueShop, webhookRequest } from "../test/shopify";
import { orderPayload } from "../test/orders";
import prisma from "./db.server";
import { action as ordersCreate } from "./routes/webhooks.orders.create";
import { action as ordersFulfilled } from "./routes/webhooks.orders.fulfilled";
import { action as ordersCancelled } from "./routes/webhooks.orders.cancelled";
import { action as fulfillmentEventsCreate } from "./routes/webhooks.fulfillment_events.create";
import { getShopStats } from "./models/stats.server";

const call = callAction;

async function storedOrders(shop: string) {
  return prisma.order.findMany({
    where: { shop },
    include: { lines: { orderBy: { id: "asc" } }, customer: true },
  });
}

describe("orders/create with Shopify's documented example", () => {
  it("stores the order exactly, with its lines, vendors and customer", async () => {
    const shop = uniqueShop();
    const body = examplePayload("orders/create");
    const res = await call(ordersCreate, webhookRequest("orders/create", body, { shop }));
    expect(res.status).toBe(200);

    const [order] = await storedOrders(shop);
    expect(order).toBeDefined();
    // The example's id does not fit a double; the stored id has all its digits.
    expect(order!.shopifyId).toBe(820982911946154508n);
    expect(order!.name).toBe("#9999");
    expect(order!.email).toBe("jon@example.com");
    expect(order!.locale).toBe("en");
    expect(order!.currency).toBe("USD");
    expect(order!.currentTotal.toString()).toBe("414.95");
    expect(order!.test).toBe(true);
    // Shopify's example is a cancelled order.
    expect(order!.cancelledAt?.toISOString()).toBe("2022-01-01T00:00:00.000Z");
    expect(order!.lines).toHaveLength((body.line_items as unknown[]).length);
    expect(order!.lines[0]!.amount.toString()).toBe("89.99");
    expect(order!.customer?.shopifyId).toBe(115310627314723954n);
    expect(order!.customer?.firstName).toBe("John");
  });
});

describe("idempotency and ordering", () => {
  it("keeps one order for the same delivery three times and once more under a new webhook id", async () => {
    const shop = uniqueShop();
    const body = orderPayload();
    for (let i = 0; i < 3; i++) {
      const res = await call(ordersCreate, webhookRequest("orders/create", body, { shop, webhookId: "wh-1" }));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, duplicate: i > 0 });
    }
    const again = await call(ordersCreate, webhookRequest("orders/create", body, { shop, webhookId: "wh-2" }));
    expect(again.status).toBe(200);

    const stats = await getShopStats(shop);
    expect(stats.orders).toBe(1);
    expect(stats.orderLines).toBe((body.line_items as unknown[]).length);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(2);
  });

  it("ends with one complete order when orders/fulfilled arrives before orders/create", async () => {
    const shop = uniqueShop();
    const created = orderPayload((p) => {
      p.updated_at = "2026-03-01T10:00:00-05:00";
    });
    const fulfilled = structuredClone(created);
    fulfilled.updated_at = "2026-03-03T09:00:00-05:00";
    fulfilled.fulfillment_status = "fulfilled";
    fulfilled.fulfillments = [{ created_at: "2026-03-03T08:59:00-05:00", status: "success" }];

    expect((await call(ordersFulfilled, webhookRequest("orders/fulfilled", fulfilled, { shop }))).status).toBe(200);
    expect((await call(ordersCreate, webhookRequest("orders/create", created, { shop }))).status).toBe(200);

    const orders = await storedOrders(shop);
    expect(orders).toHaveLength(1);
    expect(orders[0]!.fulfilledAt?.toISOString()).toBe("2026-03-03T13:59:00.000Z");
    expect(orders[0]!.shopifyUpdatedAt.toISOString()).toBe("2026-03-03T14:00:00.000Z");
    expect(orders[0]!.lines).toHaveLength(created.line_items.length);
  });

  it("never lets an older payload overwrite newer data", async () => {
    const shop = uniqueShop();
    const newer = orderPayload((p) => {
      p.updated_at = "2026-04-02T00:00:00Z";
      p.current_total_price = "10.00";
      p.current_total_price_set = { shop_money: { amount: "10.00", currency_code: "USD" } };
      p.line_items = p.line_items.slice(0, 1);
    });
    const older = structuredClone(newer);
    older.updated_at = "2026-04-01T00:00:00Z";
    older.current_total_price = "99.00";
    older.current_total_price_set = { shop_money: { amount: "99.00", currency_code: "USD" } };
    older.line_items = examplePayload("orders/create").line_items;

    await call(ordersCreate, webhookRequest("orders/create", newer, { shop }));
    await call(ordersCancelled, webhookRequest("orders/cancelled", older, { shop }));

    const [order] = await storedOrders(shop);
    expect(order!.currentTotal.toString()).toBe("10");
    expect(order!.lines).toHaveLength(1);
  });

  it("records a cancellation that arrives later", async () => {
    const shop = uniqueShop();
    const body = orderPayload((p) => (p.updated_at = "2026-05-01T00:00:00Z"));
    await call(ordersCreate, webhookRequest("orders/create", body, { shop }));
    const cancelled = { ...body, updated_at: "2026-05-02T00:00:00Z", cancelled_at: "2026-05-02T00:00:00Z" };
    await call(ordersCancelled, webhookRequest("orders/cancelled", cancelled, { shop }));
    const [order] = await storedOrders(shop);
    expect(order!.cancelledAt?.toISOString()).toBe("2026-05-02T00:00:00.000Z");
  });
});

describe("orders/updated", () => {
  it("follows a refund into the order's current total", async () => {
    const { action: ordersUpdated } = await import("./routes/webhooks.orders.updated");
    const shop = uniqueShop();
    const body = orderPayload((p) => (p.updated_at = "2026-07-01T00:00:00Z"));
    await call(ordersCreate, webhookRequest("orders/create", body, { shop }));
    const refunded = {
      ...body,
      updated_at: "2026-07-05T00:00:00Z",
      current_total_price: "100.00",
      current_total_price_set: { shop_money: { amount: "100.00", currency_code: "USD" } },
    };
    expect((await call(ordersUpdated, webhookRequest("orders/updated", refunded, { shop }))).status).toBe(200);
    const [order] = await storedOrders(shop);
    expect(order!.currentTotal.toString()).toBe("100");
    expect(order!.totalPrice.toString()).toBe("404.95");
  });
});

describe("order variations", () => {
  it("stores a guest checkout with no customer", async () => {
    const shop = uniqueShop();
    const body = orderPayload((p) => {
      p.customer = null;
      p.email = "guest@example.com";
    });
    expect((await call(ordersCreate, webhookRequest("orders/create", body, { shop }))).status).toBe(200);
    const [order] = await storedOrders(shop);
    expect(order!.customerId).toBeNull();
    expect(order!.email).toBe("guest@example.com");
    expect(await prisma.customer.count({ where: { shop } })).toBe(0);
  });

  it("keeps every vendor of a mixed order", async () => {
    const shop = uniqueShop();
    const body = orderPayload((p) => {
      p.line_items = p.line_items.slice(0, 3).map((l: Record<string, unknown>, i: number) => ({
        ...l,
        vendor: ["Acme Outdoor", "Brisk Coffee", "Acme Outdoor"][i],
        quantity: i + 1,
        price: "12.50",
        price_set: { shop_money: { amount: "12.50", currency_code: "USD" } },
      }));
    });
    await call(ordersCreate, webhookRequest("orders/create", body, { shop }));
    const [order] = await storedOrders(shop);
    expect(order!.lines.map((l) => [l.vendor, l.quantity, l.amount.toString()])).toEqual([
      ["Acme Outdoor", 1, "12.5"],
      ["Brisk Coffee", 2, "25"],
      ["Acme Outdoor", 3, "37.5"],
    ]);
  });

  it("stores amounts in the shop's currency when the shopper paid in another", async () => {
    const shop = uniqueShop();
    const body = orderPayload((p) => {
      p.currency = "EUR";
      p.presentment_currency = "CHF";
      p.current_total_price = "92.10";
      p.current_total_price_set = {
        shop_money: { amount: "92.10", currency_code: "EUR" },
        presentment_money: { amount: "95.00", currency_code: "CHF" },
      };
    });
    await call(ordersCreate, webhookRequest("orders/create", body, { shop }));
    const [order] = await storedOrders(shop);
    expect(order!.currency).toBe("EUR");
    expect(order!.currentTotal.toString()).toBe("92.1");
  });

  it("stores test orders flagged as such", async () => {
    const shop = uniqueShop();
    await call(
      ordersCreate,
      webhookRequest(
        "orders/create",
        orderPayload((p) => (p.test = true)),
        { shop },
      ),
    );
    const [order] = await storedOrders(shop);
    expect(order!.test).toBe(true);
  });

  it("accepts an order with no email anywhere", async () => {
    const shop = uniqueShop();
    const body = orderPayload((p) => {
      p.email = "";
      p.contact_email = null;
      p.customer.email = null;
    });
    expect((await call(ordersCreate, webhookRequest("orders/create", body, { shop }))).status).toBe(200);
    const [order] = await storedOrders(shop);
    expect(order!.email).toBeNull();
    expect(order!.customer?.email).toBeNull();
  });

  it("keeps unicode names and titles as sent", async () => {
    const shop = uniqueShop();
    const body = orderPayload((p) => {
      p.customer.first_name = "Zoë";
      p.customer.last_name = "Ångström-李";
      p.line_items[0].title = "Café crème ☕ — 東京";
      p.line_items[0].vendor = "Müller & Söhne";
    });
    await call(ordersCreate, webhookRequest("orders/create", body, { shop }));
    const [order] = await storedOrders(shop);
    expect(order!.customer?.firstName).toBe("Zoë");
    expect(order!.customer?.lastName).toBe("Ångström-李");
    expect(order!.lines[0]!.title).toBe("Café crème ☕ — 東京");
    expect(order!.lines[0]!.vendor).toBe("Müller & Söhne");
  });
});

describe("bad requests change nothing", () => {
  it("answers 401 to an unsigned webhook", async () => {
    const shop = uniqueShop();
    const res = await call(ordersCreate, webhookRequest("orders/create", orderPayload(), { shop, signed: false }));
    expect(res.status).toBe(401);
    expect(await prisma.order.count({ where: { shop } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("answers 401 to a webhook signed with another secret", async () => {
    const shop = uniqueShop();
    const res = await call(
      ordersCreate,
      webhookRequest("orders/create", orderPayload(), { shop, secret: "someone-else" }),
    );
    expect(res.status).toBe(401);
    expect(await prisma.order.count({ where: { shop } })).toBe(0);
    expect(await prisma.shop.count({ where: { domain: shop } })).toBe(0);
  });

  it("answers 401 to a genuine signature over a tampered body, a truncated one, or one that is not base64", async () => {
    const shop = uniqueShop();
    const genuine = webhookRequest("orders/create", orderPayload(), { shop });
    const body = await genuine.clone().text();
    const hmac = genuine.headers.get("x-shopify-hmac-sha256")!;
    const variants: Array<[string, string]> = [
      [body.replace('"currency":"', '"currency":"X'), hmac],
      [body, hmac.slice(0, -4)],
      [body, "not base64 at all!"],
      [body, ""],
    ];
    for (const [variantBody, variantHmac] of variants) {
      const headers = new Headers(genuine.headers);
      headers.set("x-shopify-hmac-sha256", variantHmac);
      const res = await call(ordersCreate, new Request(genuine.url, { method: "POST", headers, body: variantBody }));
      expect(res.status).toBe(401);
    }
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
    expect(await prisma.shop.count({ where: { domain: shop } })).toBe(0);
  });

  it("answers 400, naming the problem, to a signed body that is not an order", async () => {
    const shop = uniqueShop();
    const res = await call(ordersCreate, webhookRequest("orders/create", { hello: "world" }, { shop }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string };
    expect(body.error).toMatch(/^Invalid orders\/create payload: id: /);
    expect(body.error).toContain("line_items");
    expect(await prisma.order.count({ where: { shop } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("answers 400 to a signed body that is not JSON", async () => {
    const shop = uniqueShop();
    const res = await call(ordersCreate, webhookRequest("orders/create", "not json {", { shop }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("The webhook body is not JSON.");
    expect(await prisma.webhookDelivery.count({ where: { shop } })).toBe(0);
  });

  it("answers 400 to an order whose line has a bad quantity, storing nothing", async () => {
    const shop = uniqueShop();
    const body = orderPayload((p) => (p.line_items[1].quantity = "two"));
    const res = await call(ordersCreate, webhookRequest("orders/create", body, { shop }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain("line_items.1.quantity");
    expect(await prisma.order.count({ where: { shop } })).toBe(0);
  });
});

describe("fulfillment_events/create", () => {
  it("records delivery when a carrier reports it, and ignores other statuses", async () => {
    const shop = uniqueShop();
    const order = orderPayload();
    await call(ordersCreate, webhookRequest("orders/create", order, { shop }));

    const inTransit = { ...examplePayload("fulfillment_events/create"), order_id: order.id };
    await call(fulfillmentEventsCreate, webhookRequest("fulfillment_events/create", inTransit, { shop }));
    expect((await storedOrders(shop))[0]!.deliveredAt).toBeNull();

    const delivered = { ...inTransit, status: "delivered", happened_at: "2026-06-01T12:00:00Z" };
    const res = await call(fulfillmentEventsCreate, webhookRequest("fulfillment_events/create", delivered, { shop }));
    expect(res.status).toBe(200);
    expect((await storedOrders(shop))[0]!.deliveredAt?.toISOString()).toBe("2026-06-01T12:00:00.000Z");
  });
});
