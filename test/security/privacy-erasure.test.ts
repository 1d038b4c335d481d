import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { applyRetention } from "../../app/jobs.server";
import { stringifyJson } from "../../app/lib/json";
import { recordAnswer } from "../../app/models/answers.server";
import { listDataRequests, downloadDataRequest } from "../../app/models/compliance.server";
import { fileLines, importOrderHistory } from "../../app/models/history-import.server";
import { dispatchDueInvitations } from "../../app/models/invitation-sender.server";
import { createWebhookEndpoint } from "../../app/models/webhooks.server";
import { sendApology } from "../../app/models/apologies.server";
import { listFailedDeliveries, purgeFailedDeliveries } from "../../app/models/webhook-inbox.server";
import { loader as dataRequestFile } from "../../app/routes/app.data-requests.$id";
import { loader as dataRequestsPage } from "../../app/routes/app.data-requests._index";
import { action as customersDataRequest } from "../../app/routes/webhooks.customers.data_request";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { action as ordersUpdated } from "../../app/routes/webhooks.orders.updated";
import { action as shopRedact } from "../../app/routes/webhooks.shop.redact";
import { orderPayload, type Payload } from "../orders";
import {
  APP_URL,
  callAction,
  examplePayload,
  installShop,
  sessionToken,
  thrownResponse,
  uniqueShop,
  webhookRequest,
} from "../shopify";
import { columnsContaining, outboxFilesContaining } from "./personal-data";

/** A shopper whose every personal detail is a string found nowhere else in the database. */
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
    address2: `Flat ${tag}B`,
  };
}
type Shopper = ReturnType<typeof shopper>;
const needles = (s: Shopper) => [s.email, s.firstName, s.lastName, s.phone, s.address1, s.address2];

function address(s: Shopper) {
  return {
    first_name: s.firstName,
    last_name: s.lastName,
    name: `${s.firstName} ${s.lastName}`,
    address1: s.address1,
    address2: s.address2,
    phone: s.phone,
    city: "Leeds",
    zip: "LS1 4AP",
    country: "United Kingdom",
    country_code: "GB",
  };
}

/** An order as Shopify sends it, carrying the shopper everywhere a real one does. */
function orderOf(s: Shopper, updatedAt: string, change: (p: Payload) => void = () => {}) {
  return orderPayload((p) => {
    p.email = s.email;
    p.contact_email = s.email;
    p.phone = s.phone;
    p.created_at = "2026-11-20T10:00:00Z";
    p.updated_at = updatedAt;
    p.shipping_address = address(s);
    p.billing_address = address(s);
    p.customer.id = s.customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${s.customerId}`;
    p.customer.email = s.email;
    p.customer.first_name = s.firstName;
    p.customer.last_name = s.lastName;
    p.customer.phone = s.phone;
    p.customer.updated_at = updatedAt;
    p.customer.default_address = { ...address(s), id: 1, customer_id: s.customerId };
    change(p);
  });
}

async function signed(action: Parameters<typeof callAction>[0], topic: string, body: unknown, shop: string) {
  const response = await callAction(action, webhookRequest(topic, body, { shop }));
  expect(response.status, `${topic} answered ${response.status}`).toBe(200);
}

/**
 * Everything the app keeps about a shopper in ordinary use: the order and customer from a
 * webhook, a data request, an emailed invitation (in the outbox), an answer with a comment
 * naming them, a merchant's note, send errors quoting their address, a failed delivery.
 */
async function shopperWithHistory(shop: string, s: Shopper) {
  const order = orderOf(s, "2026-11-20T10:00:00Z");
  await signed(ordersCreate, "orders/create", order, shop);
  await signed(
    customersDataRequest,
    "customers/data_request",
    {
      ...examplePayload("customers/data_request"),
      shop_domain: shop,
      customer: { id: s.customerId, email: s.email, phone: s.phone },
      orders_requested: [order.id],
    },
    shop,
  );
  const sent = await dispatchDueInvitations({ shop, now: new Date(Date.now() + 2 * 3_600_000) });
  expect(sent.sent).toBe(1);
  const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop, stage: "PRE_DELIVERY" } });
  // The merchant's webhook endpoint: the answer's event (waiting to go) carries the shopper.
  await createWebhookEndpoint(shop, { url: "https://hooks.example.com/nps", topics: ["answer.created"] });
  await recordAnswer({
    invitationId: invitation.id,
    score: 2,
    comment: `This is ${s.firstName} ${s.lastName}: nothing arrived at ${s.address1}, call ${s.phone}`,
    channel: "EMAIL",
    locale: "en",
  });
  const response = await prisma.response.findFirstOrThrow({ where: { shop }, include: { case: true } });
  await prisma.caseNote.create({
    data: { caseId: response.case!.id, author: "Maya", body: `Rang ${s.firstName} on ${s.phone}` },
  });
  // An apology waiting to go out holds their address and first name.
  await sendApology(shop, response.case!.id, "Maya", { withCode: true });
  const smtpError = `550 5.1.1 <${s.email}>: Recipient address rejected`;
  await prisma.surveyInvitation.update({ where: { id: invitation.id }, data: { lastError: smtpError } });
  await prisma.answerAction.updateMany({ where: { responseId: response.id }, data: { lastError: smtpError } });
  await prisma.webhookDelivery.create({
    data: {
      shop,
      webhookId: randomUUID(),
      topic: "orders/updated",
      body: stringifyJson(orderOf(s, "2026-11-21T10:00:00Z")),
      status: "FAILED",
      attempts: 5,
      lastError: `could not apply order for ${s.email}`,
    },
  });
  return { order };
}

describe("customers/redact erases the customer everywhere", () => {
  it("leaves none of their email, names, phone or address lines in any text column or outbox email", async () => {
    const shop = uniqueShop("erase");
    const s = shopper();
    const bystander = shopper();
    const { order } = await shopperWithHistory(shop, s);
    await signed(ordersCreate, "orders/create", orderOf(bystander, "2026-11-20T11:00:00Z"), shop);

    // The search finds what is there, so that an empty result below means something.
    const before = await columnsContaining(needles(s));
    expect(before).toEqual(
      expect.arrayContaining([
        "customers.email",
        "customers.first_name",
        "orders.email",
        "survey_invitations.email",
        "survey_invitations.last_error",
        "responses.comment",
        "case_notes.body",
        "answer_actions.last_error",
        "answer_actions.payload",
        "data_requests.email",
        "data_requests.data",
        "webhook_deliveries.body",
        "webhook_deliveries.last_error",
      ]),
    );
    expect(await outboxFilesContaining(needles(s))).toHaveLength(1);

    await signed(
      customersRedact,
      "customers/redact",
      {
        ...examplePayload("customers/redact"),
        shop_domain: shop,
        customer: { id: s.customerId, email: s.email, phone: s.phone },
        orders_to_redact: [order.id],
      },
      shop,
    );

    expect(await columnsContaining(needles(s))).toEqual([]);
    expect(await outboxFilesContaining(needles(s))).toEqual([]);
    // Scores stay, anonymous; the other shopper keeps everything.
    expect(await prisma.response.count({ where: { shop, score: 2 } })).toBe(1);
    // The apology never goes, and its code is never made in Shopify.
    expect(await prisma.discountCode.findMany({ where: { shop }, select: { status: true } })).toEqual([
      { status: "FAILED" },
    ]);
    expect(await columnsContaining([bystander.email])).toEqual(
      expect.arrayContaining(["customers.email", "orders.email", "webhook_deliveries.body"]),
    );
    // The failed delivery cannot be retried any more, and says why.
    const failed = await listFailedDeliveries({ shop });
    expect(failed.count).toBe(1);
    expect(failed.deliveries[0]).toMatchObject({
      hasBody: false,
      lastError: expect.stringMatching(/customers\/redact/),
    });
  });

  it("keeps the customer and their orders redacted when later webhooks or an import bring them back", async () => {
    const shop = uniqueShop("erase");
    const s = shopper();
    const { order } = await shopperWithHistory(shop, s);
    await signed(
      customersRedact,
      "customers/redact",
      {
        ...examplePayload("customers/redact"),
        shop_domain: shop,
        customer: { id: s.customerId, email: s.email, phone: s.phone },
        orders_to_redact: [order.id],
      },
      shop,
    );

    // A refund arrives after the erasure, with the customer's details in it.
    const refunded = orderOf(s, "2026-11-25T10:00:00Z", (p) => {
      p.id = order.id;
      p.admin_graphql_api_id = order.admin_graphql_api_id;
      p.name = order.name;
      p.current_total_price = "0.00";
      p.current_total_price_set = { shop_money: { amount: "0.00", currency_code: p.currency } };
    });
    await signed(ordersUpdated, "orders/updated", refunded, shop);
    // And the order history is imported again.
    const dir = mkdtempSync(path.join(tmpdir(), "nps-reimport-"));
    const file = path.join(dir, "orders.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify({
        id: `gid://shopify/Order/${order.id}`,
        name: order.name,
        createdAt: "2026-11-20T10:00:00Z",
        updatedAt: "2026-11-26T10:00:00Z",
        test: false,
        email: s.email,
        customerLocale: "en",
        currentTotalPriceSet: { shopMoney: { amount: "0.00", currencyCode: "USD" } },
        totalPriceSet: { shopMoney: { amount: "10.00", currencyCode: "USD" } },
        customer: { id: `gid://shopify/Customer/${s.customerId}` },
        shippingAddress: { countryCodeV2: "GB" },
      })}\n`,
    );
    const summary = await importOrderHistory(shop, fileLines(file), { source: "FILE" });
    expect(summary.invalidLines).toBe(0);

    const stored = await prisma.order.findFirstOrThrow({ where: { shop, shopifyId: BigInt(order.id) } });
    // The refund was applied; the personal fields were not.
    expect(stored.currentTotal.toString()).toBe("0");
    expect(stored).toMatchObject({ email: null, redactedAt: expect.any(Date) });
    const customer = await prisma.customer.findFirstOrThrow({ where: { shop, shopifyId: s.customerId } });
    expect(customer).toMatchObject({ email: null, firstName: null, lastName: null, redactedAt: expect.any(Date) });
    expect(await columnsContaining(needles(s))).toEqual([]);
  });
});

describe("shop/redact erases the whole shop", () => {
  it("leaves nothing of any of its customers, and nothing of another shop's is touched", async () => {
    const shop = uniqueShop("erase");
    const other = uniqueShop("keep");
    const [a, b, kept] = [shopper(), shopper(), shopper()];
    await shopperWithHistory(shop, a);
    await signed(ordersCreate, "orders/create", orderOf(b, "2026-11-20T12:00:00Z"), shop);
    await signed(ordersCreate, "orders/create", orderOf(kept, "2026-11-20T12:00:00Z"), other);
    expect(await columnsContaining([...needles(a), ...needles(b)])).not.toEqual([]);

    await signed(shopRedact, "shop/redact", { ...examplePayload("shop/redact"), shop_domain: shop }, shop);

    expect(await columnsContaining([...needles(a), ...needles(b)])).toEqual([]);
    expect(await outboxFilesContaining([...needles(a), ...needles(b), shop])).toEqual([]);
    expect(await columnsContaining([kept.email])).toEqual(
      expect.arrayContaining(["customers.email", "orders.email", "webhook_deliveries.body"]),
    );
    // Only the redaction request is left of the shop, without its body, so a repeat is recognised.
    const left = await prisma.webhookDelivery.findMany({ where: { shop } });
    expect(left.map((d) => [d.topic, d.body])).toEqual([["shop/redact", null]]);
  });
});

describe("retention of raw webhook bodies and data requests", () => {
  it("clears processed bodies past WEBHOOK_BODY_RETENTION and keeps failed ones until purged", async () => {
    const shop = uniqueShop("retain");
    const s = shopper();
    await shopperWithHistory(shop, s);
    const now = new Date();
    // Within the 7 days: every body stays.
    await applyRetention(now);
    expect(await prisma.webhookDelivery.count({ where: { shop, body: null } })).toBe(0);

    const later = new Date(now.getTime() + 8 * 86_400_000);
    await applyRetention(later);
    const rows = await prisma.webhookDelivery.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(rows.filter((r) => r.status === "PROCESSED").every((r) => r.body === null && r.bodyClearedAt)).toBe(true);
    const failed = rows.filter((r) => r.status === "FAILED");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.body).toContain(s.email);

    expect(await purgeFailedDeliveries({ shop })).toBe(1);
    expect(await columnsContaining([s.email]).then((c) => c.filter((x) => x.startsWith("webhook_deliveries")))).toEqual(
      [],
    );
  });

  it("lists data requests for the merchant, serves the JSON to its own shop only, and purges it 30 days after download", async () => {
    const shop = uniqueShop("dsar");
    const s = shopper();
    await shopperWithHistory(shop, s);
    const [request] = await listDataRequests(shop);
    expect(request).toMatchObject({ email: s.email, status: "ready", downloadedAt: null, purgeAt: null });

    expect(await downloadDataRequest(uniqueShop("other"), request!.id)).toBeNull();
    expect(await listDataRequests(shop).then((r) => r[0]!.status)).toBe("ready");

    const json = JSON.parse((await downloadDataRequest(shop, request!.id))!) as Record<string, unknown>;
    expect(json).toMatchObject({ shop, customer: { email: s.email } });
    expect(JSON.stringify(json.customers)).toContain(s.firstName);
    const downloaded = (await listDataRequests(shop))[0]!;
    expect(downloaded.status).toBe("downloaded");
    expect(new Date(downloaded.purgeAt!).getTime() - new Date(downloaded.downloadedAt!).getTime()).toBe(
      30 * 86_400_000,
    );

    await applyRetention(new Date(Date.now() + 29 * 86_400_000));
    expect((await listDataRequests(shop))[0]!.status).toBe("downloaded");
    await applyRetention(new Date(Date.now() + 31 * 86_400_000));
    const purged = (await listDataRequests(shop))[0]!;
    expect(purged).toMatchObject({ status: "purged", email: null });
    expect(await downloadDataRequest(shop, request!.id)).toBeNull();
    expect(await prisma.dataRequest.findFirstOrThrow({ where: { id: request!.id } })).toMatchObject({ data: null });
  });
});

describe("the Data requests page", () => {
  const admin = (shop: string, path: string) =>
    new Request(`${APP_URL}${path}?shop=${shop}&embedded=1`, {
      headers: { authorization: `Bearer ${sessionToken(shop)}` },
    });

  it("lists the shop's requests and serves a file to that shop only; other ids get 404, bad ones 400", async () => {
    const shop = uniqueShop("dsar");
    const other = uniqueShop("dsar");
    await installShop(shop);
    await installShop(other);
    const s = shopper();
    await shopperWithHistory(shop, s);
    const page = await dataRequestsPage({ request: admin(shop, "/app/data-requests"), params: {}, context: {} });
    expect(page.requests).toEqual([expect.objectContaining({ email: s.email, status: "ready" })]);
    const id = String(page.requests[0]!.id);

    const empty = await dataRequestsPage({ request: admin(other, "/app/data-requests"), params: {}, context: {} });
    expect(empty.requests).toEqual([]);
    const foreign = await thrownResponse(
      dataRequestFile({ request: admin(other, `/app/data-requests/${id}`), params: { id }, context: {} }),
    );
    expect(foreign.status).toBe(404);
    for (const bad of ["abc", "-1", "1e3", "99999999999999"]) {
      const res = await thrownResponse(
        dataRequestFile({ request: admin(shop, `/app/data-requests/${bad}`), params: { id: bad }, context: {} }),
      );
      expect(res.status, bad).toBe(400);
    }
    // None of that counted as a download.
    expect((await listDataRequests(shop))[0]!.status).toBe("ready");

    const file = await dataRequestFile({
      request: admin(shop, `/app/data-requests/${id}`),
      params: { id },
      context: {},
    });
    expect(file.headers.get("content-disposition")).toBe(`attachment; filename="data-request-${id}.json"`);
    expect(JSON.parse(await file.text())).toMatchObject({ shop, customer: { email: s.email } });
    expect((await listDataRequests(shop))[0]!.status).toBe("downloaded");
  });
});
