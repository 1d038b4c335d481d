import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { env } from "../../app/env.server";
import { outboxMailer } from "../../app/email/mailer.server";
import { recordAnswer } from "../../app/models/answers.server";
import { type ActionDeps, runDueActions } from "../../app/models/answer-actions.server";
import { createAlertRule } from "../../app/models/alert-rules.server";
import { fileLines, importOrderHistory } from "../../app/models/history-import.server";
import { dispatchDueInvitations } from "../../app/models/invitation-sender.server";
import { action as surveyProxy } from "../../app/routes/proxy.api.survey";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as fulfillmentEvent } from "../../app/routes/webhooks.fulfillment_events.create";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { orderPayload, type Payload } from "../orders";
import { appProxyRequest, callAction, examplePayload, uniqueShop, webhookRequest } from "../shopify";
import { columnsContaining, outboxFilesContaining } from "./personal-data";

function shopper() {
  const tag = randomUUID().replace(/-/g, "").slice(0, 10);
  const digits = String(BigInt(`0x${tag}`) % 10_000_000n).padStart(7, "0");
  return {
    customerId: 7_000_000_000_000n + BigInt(digits),
    email: `ysolde.${tag}@example.org`,
    firstName: `Ysolde${tag}`,
    lastName: `Quarrington${tag}`,
    phone: `+44 7700 9${digits}`,
    address1: `${digits} Marlpit ${tag} Lane`,
  };
}
type Shopper = ReturnType<typeof shopper>;
const needles = (s: Shopper) => [s.email, s.firstName, s.lastName, s.phone, s.address1];

function orderOf(s: Shopper, at: string, change: (p: Payload) => void = () => {}) {
  return orderPayload((p) => {
    p.email = s.email;
    p.contact_email = s.email;
    p.created_at = p.updated_at = p.processed_at = at;
    p.customer.id = s.customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${s.customerId}`;
    p.customer.email = s.email;
    p.customer.first_name = s.firstName;
    p.customer.last_name = s.lastName;
    p.customer.updated_at = at;
    change(p);
  });
}

async function signed(action: Parameters<typeof callAction>[0], topic: string, body: unknown, shop: string) {
  const res = await callAction(action, webhookRequest(topic, body, { shop }));
  expect(res.status, topic).toBe(200);
}
const redact = (shop: string, s: Shopper, orders: unknown[], customer: Record<string, unknown> = {}) =>
  signed(
    customersRedact,
    "customers/redact",
    {
      ...examplePayload("customers/redact"),
      shop_domain: shop,
      customer: { id: s.customerId, email: s.email, phone: s.phone, ...customer },
      orders_to_redact: orders,
    },
    shop,
  );
const recent = () => new Date(Date.now() - 3 * 3_600_000).toISOString();

// A customers/redact request names customers and orders the app may not have yet, and
// answers may still be on their way: whatever arrives after it must be stored erased.
describe("what arrives after customers/redact is stored erased", () => {
  it("an order named in the request that the app did not have yet, when its webhook comes late", async () => {
    const shop = uniqueShop("late");
    const s = shopper();
    const y = orderOf(s, recent());
    await signed(ordersCreate, "orders/create", y, shop);
    const x = orderOf(s, recent()); // placed too; its webhook has not come yet
    await redact(shop, s, [y.id, x.id]);
    expect(await columnsContaining(needles(s))).toEqual([]);
    await signed(ordersCreate, "orders/create", x, shop);
    await dispatchDueInvitations({ shop, now: new Date(Date.now() + 2 * 3_600_000) });
    const leaks = await columnsContaining(needles(s));
    const mails = await outboxFilesContaining([s.email]);
    expect({ leaks, mails: mails.length }).toEqual({ leaks: [], mails: 0 });
  });

  it("a customer the app did not know yet, when their first order comes after: no survey is sent", async () => {
    const shop = uniqueShop("late");
    const s = shopper();
    const x = orderOf(s, recent());
    await redact(shop, s, [x.id]);
    await signed(ordersCreate, "orders/create", x, shop);
    await dispatchDueInvitations({ shop, now: new Date(Date.now() + 2 * 3_600_000) });
    const leaks = await columnsContaining(needles(s));
    const mails = (await outboxFilesContaining([s.email])).length;
    expect({ leaks, mails }).toEqual({ leaks: [], mails: 0 });
  });

  it("an order of the erased customer that a history import brings", async () => {
    const shop = uniqueShop("late");
    const s = shopper();
    const y = orderOf(s, recent());
    await signed(ordersCreate, "orders/create", y, shop);
    await redact(shop, s, [y.id]);
    const dir = mkdtempSync(path.join(tmpdir(), "attack-import-"));
    const file = path.join(dir, "orders.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify({
        id: "gid://shopify/Order/5999999999001",
        name: "#9001",
        createdAt: "2026-01-20T10:00:00Z",
        updatedAt: "2026-01-20T10:00:00Z",
        test: false,
        email: s.email,
        currentTotalPriceSet: { shopMoney: { amount: "5.00", currencyCode: "USD" } },
        totalPriceSet: { shopMoney: { amount: "5.00", currencyCode: "USD" } },
        customer: { id: `gid://shopify/Customer/${s.customerId}` },
      })}\n`,
    );
    await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    const order = await prisma.order.findFirstOrThrow({ where: { shop, shopifyId: 5999999999001n } });
    expect(order.email).toBeNull();
    expect(order.redactedAt).not.toBeNull();
    expect(await columnsContaining(needles(s))).toEqual([]);
  });

  it("a customers/data_request retried after the redaction keeps neither the email nor its body", async () => {
    const shop = uniqueShop("late");
    const s = shopper();
    const y = orderOf(s, recent());
    await signed(ordersCreate, "orders/create", y, shop);
    await redact(shop, s, [y.id]);
    await signed(
      customersDataRequest,
      "customers/data_request",
      {
        ...examplePayload("customers/data_request"),
        shop_domain: shop,
        customer: { id: s.customerId, email: s.email, phone: s.phone },
        orders_requested: [y.id],
      },
      shop,
    );
    expect(await columnsContaining(needles(s))).toEqual([]);
  });

  it("a fulfillment event with the delivery address, whose body goes once applied", async () => {
    const shop = uniqueShop("late");
    const s = shopper();
    const y = orderOf(s, recent());
    await signed(ordersCreate, "orders/create", y, shop);
    await redact(shop, s, [y.id]);
    const event = {
      ...examplePayload("fulfillment_events/create"),
      order_id: y.id,
      status: "delivered",
      address1: s.address1,
      zip: "LS1 4AP",
      city: "Leeds",
    };
    await signed(fulfillmentEvent, "fulfillment_events/create", event, shop);
    expect(await columnsContaining(needles(s))).toEqual([]);
  });
});

describe("a survey link emailed before customers/redact", () => {
  it("is closed by it (410), so no new comment of the erased customer is stored", async () => {
    const shop = uniqueShop("tok");
    const s = shopper();
    const y = orderOf(s, recent());
    await signed(ordersCreate, "orders/create", y, shop);
    await dispatchDueInvitations({ shop, now: new Date(Date.now() + 2 * 3_600_000) });
    const [file] = await outboxFilesContaining([s.email]);
    const token = /\/apps\/nps\/s\/([A-Za-z0-9_-]{32})/.exec(
      readFileSync(path.join(env().OUTBOX_DIR, file!), "utf8"),
    )![1]!;
    await redact(shop, s, [y.id]);
    expect(await columnsContaining(needles(s))).toEqual([]);
    const res = await surveyProxy({
      request: appProxyRequest("/api/survey", {
        shop,
        json: { token, score: 1, comment: `${s.firstName} ${s.lastName}, ${s.address1}` },
      }),
      params: {},
      context: {},
    });
    const leaks = await columnsContaining(needles(s));
    expect({ status: res.status, leaks }).toEqual({ status: 410, leaks: [] });
  });
});

describe("an alert email in the outbox quoting a guest's comment", () => {
  it("is erased with the comment", async () => {
    const shop = uniqueShop("alert");
    const s = shopper();
    const y = orderOf(s, recent(), (p) => {
      p.customer = null;
    });
    await signed(ordersCreate, "orders/create", y, shop);
    await prisma.shop.update({ where: { domain: shop }, data: { settings: { tagCustomers: false } } });
    await createAlertRule(shop, {
      name: "Detractors",
      scoreMin: 0,
      scoreMax: 6,
      stage: null,
      segments: [],
      urgent: true,
      emails: ["owner@merchant.example"],
      slackWebhookUrl: null,
    });
    const inv = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    await recordAnswer({
      invitationId: inv.id,
      score: 1,
      comment: `Never arrived at ${s.address1}`,
      channel: "THANK_YOU",
      locale: "en",
    });
    const deps: ActionDeps = {
      adminFor: async () => null,
      mailer: () => outboxMailer(env().OUTBOX_DIR),
      appUrl: "https://x.test",
    };
    await runDueActions(deps, { shop });
    expect(await outboxFilesContaining([s.address1])).toHaveLength(1);
    await redact(shop, s, [y.id]);
    expect(await columnsContaining(needles(s))).toEqual([]);
    expect(await outboxFilesContaining([s.address1])).toEqual([]);
  });
});

describe("erasure never reaches another shop's outbox emails", () => {
  async function victimWithEmail(victim: string) {
    const v = shopper();
    await signed(ordersCreate, "orders/create", orderOf(v, recent()), victim);
    await dispatchDueInvitations({ shop: victim, now: new Date(Date.now() + 2 * 3_600_000) });
    expect(await outboxFilesContaining([v.email])).toHaveLength(1);
    return v;
  }

  it("shop/redact of a shop whose domain is the end of another shop's", async () => {
    const shop = uniqueShop("ab");
    const victim = `x${shop}`;
    const v = await victimWithEmail(victim);
    await signed(shopRedact, "shop/redact", { ...examplePayload("shop/redact"), shop_domain: shop }, shop);
    expect(await outboxFilesContaining([v.email])).toHaveLength(1);
  });

  it("customers/redact of a customer named 'myshopify', a word in every survey email", async () => {
    const victim = uniqueShop("victim");
    const v = await victimWithEmail(victim);
    const shop = uniqueShop("attacker");
    const s = { ...shopper(), firstName: "myshopify", lastName: "" };
    const y = orderOf(s, recent(), (p) => {
      p.customer.last_name = null;
    });
    await signed(ordersCreate, "orders/create", y, shop);
    expect(await outboxFilesContaining([v.email])).toHaveLength(1);
    await redact(shop, s, [y.id], { email: null, phone: null });
    expect(await outboxFilesContaining([v.email])).toHaveLength(1);
  });
});

describe("the locale of an erased customer", () => {
  it("is cleared from their orders and invitations", async () => {
    const shop = uniqueShop("loc");
    const s = shopper();
    const y = orderOf(s, recent(), (p) => {
      p.customer_locale = "cy-GB";
    });
    await signed(ordersCreate, "orders/create", y, shop);
    await redact(shop, s, [y.id]);
    const o = await prisma.order.findFirstOrThrow({ where: { shop } });
    const i = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    expect({ order: o.locale, invitation: i.locale }).toEqual({ order: null, invitation: null });
  });
});
