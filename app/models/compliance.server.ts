import {
  type CustomersDataRequest,
  type CustomersRedact,
  DATA_REQUEST_KEPT_DAYS,
  type DataRequestRow,
} from "../domain/compliance";
import prisma from "../db.server";
import { Prisma } from "../generated/prisma/client";
import { eraseFromOutbox } from "../email/outbox.server";
import { ensureShop } from "./shops.server";
import { refreshOutcomeMonths } from "./customer-worth.server";

type Tx = Prisma.TransactionClient;

/** The customer's rows and the orders named, found by Shopify customer id, order ids, or email. */
async function findCustomerScope(
  tx: Tx,
  shop: string,
  customer: { id?: bigint | null; email?: string | null },
  orderIds: bigint[],
) {
  // Email compared exactly but for case (lower() on both sides, through the email_key
  // index): Prisma's case-insensitive equality is ILIKE, where "_" matches any character.
  const email = customer.email || null;
  const customers = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM customers
    WHERE shop = ${shop} AND (shopify_id = ${customer.id ?? null}::bigint OR email_key = lower(${email}::text))`;
  const customerIds = customers.map((c) => c.id);
  const orders = await tx.$queryRaw<{ id: number }[]>`
    SELECT id FROM orders
    WHERE shop = ${shop} AND (customer_id = ANY(${customerIds}::int[]) OR shopify_id = ANY(${orderIds}::bigint[])
                              OR email_key = lower(${email}::text))`;
  return { customerIds, orderIds: orders.map((o) => o.id) };
}

/** What identifies a customer in free text: emails, full name, phone, Shopify ids. */
interface Identifiers {
  texts: string[];
  ids: bigint[];
  /** Shopify ids of the customers and orders in scope, the request's own included. */
  customerIds: bigint[];
  orderIds: bigint[];
}

async function identifiersOf(
  tx: Tx,
  scope: { customerIds: number[]; orderIds: number[] },
  request: CustomersRedact,
): Promise<Identifiers> {
  const [customers, orders] = await Promise.all([
    tx.customer.findMany({
      where: { id: { in: scope.customerIds } },
      select: { shopifyId: true, email: true, firstName: true, lastName: true },
    }),
    tx.order.findMany({ where: { id: { in: scope.orderIds } }, select: { shopifyId: true, email: true } }),
  ]);
  const texts = [
    request.customer.email,
    request.customer.phone,
    ...customers.flatMap((c) => [c.email, [c.firstName, c.lastName].filter(Boolean).join(" ")]),
    ...orders.map((o) => o.email),
  ];
  const customerIds = [
    ...new Set([...(request.customer.id != null ? [request.customer.id] : []), ...customers.map((c) => c.shopifyId)]),
  ];
  const orderIds = [...new Set([...request.orders_to_redact, ...orders.map((o) => o.shopifyId)])];
  return {
    customerIds,
    orderIds,
    texts: [...new Set(texts.map((t) => t?.trim().toLowerCase() ?? "").filter((t) => t.length >= 3))],
    ids: [...new Set([...customerIds, ...orderIds])],
  };
}

/**
 * Clears the raw bodies (and errors, which may quote them) of the shop's applied or failed
 * deliveries that mention the customer: an email, name or phone anywhere in the text, or one
 * of their ids as a whole number. Deliveries not yet applied keep theirs: they are applied
 * after this request, and ingest never writes personal fields onto a redacted record.
 */
async function clearDeliveryBodies(tx: Tx, shop: string, who: Identifiers, self?: bigint) {
  const patterns = who.ids.map((id) => `(^|[^0-9])${id}([^0-9]|$)`);
  return tx.$executeRaw`
    UPDATE webhook_deliveries
    SET body = NULL, body_cleared_at = now(), last_error = CASE WHEN status = 'FAILED'
      THEN 'Body erased by a customers/redact request before it could be applied' END
    WHERE shop = ${shop} AND body IS NOT NULL
      AND (id = ${self ?? -1n} OR (status <> 'RECEIVED' AND (
        EXISTS (SELECT 1 FROM unnest(${who.texts}::text[]) AS t(needle) WHERE strpos(lower(body), t.needle) > 0)
        OR body ~ ANY(${patterns}::text[]))))`;
}

/**
 * customers/redact: removes the customer's personal data everywhere the app keeps it: the
 * customer and their orders (marked redacted, so later payloads never write it back),
 * invitations and their send errors, every free-text comment they wrote and the notes about
 * those answers, errors of the actions their answers set off, suppressions, earlier data
 * requests, raw webhook bodies that mention them (this request's own included) and outbox
 * emails. Scores stay, anonymous, so the shop's NPS history does not change.
 */
export async function redactCustomer(
  tx: Tx,
  shop: string,
  request: CustomersRedact,
  options: { deliveryId?: bigint } = {},
) {
  const scope = await findCustomerScope(tx, shop, request.customer, request.orders_to_redact);
  const who = await identifiersOf(tx, scope, request);
  const now = new Date();
  await ensureShop(shop, tx);
  // Remembered by id, so that a customer or order the app does not have yet is stored
  // redacted when a late webhook, a retry or an import brings it.
  await tx.redaction.createMany({
    data: [
      ...who.customerIds.map((id) => ({ shop, kind: "customer", shopifyId: id })),
      ...who.orderIds.map((id) => ({ shop, kind: "order", shopifyId: id })),
    ],
    skipDuplicates: true,
  });
  const customers = await tx.customer.updateMany({
    where: { id: { in: scope.customerIds } },
    data: { email: null, firstName: null, lastName: null, locale: null, redactedAt: now },
  });
  const orders = await tx.order.updateMany({
    where: { id: { in: scope.orderIds } },
    data: { email: null, locale: null, redactedAt: now },
  });
  const invitationWhere = {
    shop,
    OR: [{ orderId: { in: scope.orderIds } }, { customerId: { in: scope.customerIds } }],
  };
  await tx.surveyInvitation.updateMany({
    where: invitationWhere,
    data: { email: null, locale: null, lastError: null },
  });
  // A survey still open would take a new comment through a link already emailed, or on the
  // order status page: it closes.
  await tx.surveyInvitation.updateMany({
    where: { ...invitationWhere, status: { in: ["SCHEDULED", "SENDING", "SENT"] } },
    data: { status: "CANCELLED" },
  });
  const responseWhere = {
    shop,
    OR: [{ orderId: { in: scope.orderIds } }, { customerId: { in: scope.customerIds } }],
  };
  // Comments are looked for in the outbox (an alert email quotes them) before they go.
  const comments = await tx.response.findMany({
    where: { ...responseWhere, comment: { not: null } },
    select: { id: true, comment: true },
  });
  const responses = await tx.response.updateMany({ where: responseWhere, data: { comment: null, locale: null } });
  // Their themes went with the comments (a trigger): the Value page's sums by theme follow.
  if (await tx.answerOutcome.count({ where: { responseId: { in: comments.map((c) => c.id) } } })) {
    await refreshOutcomeMonths(tx, shop);
  }
  await tx.caseNote.deleteMany({ where: { case: { response: responseWhere } } });
  await tx.answerAction.updateMany({ where: { shop, response: responseWhere }, data: { lastError: null } });
  // Webhook events and apologies carry the answer, its comment, the customer's name or address
  // as they were: none goes out after the erasure, and none stays stored. An apology's code
  // that Shopify never got will not be made.
  await tx.answerAction.deleteMany({
    where: { shop, kind: { in: ["WEBHOOK", "APOLOGY_EMAIL"] }, response: responseWhere },
  });
  await tx.discountCode.updateMany({
    where: { shop, purpose: "APOLOGY", status: "PENDING", case: { response: responseWhere } },
    data: { status: "FAILED" },
  });
  const emails = who.texts.filter((t) => t.includes("@"));
  // Exactly but for case, as in findCustomerScope.
  await tx.$executeRaw`
    DELETE FROM email_suppressions
    WHERE shop = ${shop} AND lower(email) IN (SELECT lower(e) FROM unnest(${emails}::text[]) AS e)`;
  await tx.$executeRaw`
    DELETE FROM data_requests
    WHERE shop = ${shop} AND (shopify_customer_id = ${request.customer.id ?? null}::bigint
                              OR lower(email) IN (SELECT lower(e) FROM unnest(${emails}::text[]) AS e))`;
  const bodies = await clearDeliveryBodies(tx, shop, who, options.deliveryId);
  const emailsErased = await eraseFromOutbox(shop, [
    ...who.texts,
    ...comments.map((c) => c.comment!.trim()).filter((c) => c.length >= 8),
  ]);
  return {
    customers: customers.count,
    orders: orders.count,
    comments: responses.count,
    webhookBodies: bodies,
    outboxEmails: emailsErased,
  };
}

/** customers/data_request: everything stored about the customer, as JSON, kept for the merchant. */
export async function assembleCustomerData(
  tx: Tx,
  shop: string,
  request: CustomersDataRequest,
  options: { deliveryId?: bigint } = {},
) {
  const scope = await findCustomerScope(tx, shop, request.customer, request.orders_requested);
  const [customers, orders, responses, codes] = await Promise.all([
    tx.customer.findMany({
      where: { id: { in: scope.customerIds } },
      select: { shopifyId: true, email: true, firstName: true, lastName: true, locale: true, segment: true },
    }),
    tx.order.findMany({
      where: { id: { in: scope.orderIds } },
      select: {
        shopifyId: true,
        name: true,
        email: true,
        locale: true,
        orderCreatedAt: true,
        lines: { select: { vendor: true, title: true, quantity: true, amount: true } },
      },
    }),
    tx.response.findMany({
      where: { shop, OR: [{ orderId: { in: scope.orderIds } }, { customerId: { in: scope.customerIds } }] },
      select: {
        stage: true,
        score: true,
        comment: true,
        channel: true,
        answeredAt: true,
        order: { select: { name: true } },
      },
    }),
    tx.discountCode.findMany({
      // A guest's referral code is theirs through the answer it came with.
      where: {
        shop,
        OR: [{ customerId: { in: scope.customerIds } }, { response: { orderId: { in: scope.orderIds } } }],
      },
      select: { purpose: true, code: true, status: true, createdAt: true },
    }),
  ]);
  const data = {
    customers: customers.map((c) => ({ ...c, shopifyId: c.shopifyId.toString() })),
    orders: orders.map((o) => ({
      ...o,
      shopifyId: o.shopifyId.toString(),
      lines: o.lines.map((l) => ({ ...l, amount: l.amount.toString() })),
    })),
    surveyAnswers: responses.map((r) => ({ ...r, order: r.order.name })),
    discountCodes: codes,
  };
  await ensureShop(shop, tx);
  // A request (or its retry) for a customer already erased: what is held is anonymous, and
  // the request's own email and body are not kept either.
  const erased =
    request.customer.id != null &&
    (await tx.redaction.count({ where: { shop, kind: "customer", shopifyId: request.customer.id } })) > 0;
  if (erased && options.deliveryId !== undefined) await clearOwnBody(tx, options.deliveryId);
  const record = await tx.dataRequest.create({
    data: {
      shop,
      shopifyCustomerId: request.customer.id ?? null,
      email: erased ? null : (request.customer.email ?? null),
      ordersRequested: request.orders_requested,
      data: JSON.parse(JSON.stringify(data)) as Prisma.InputJsonValue,
    },
  });
  return { id: record.id, data };
}

/**
 * shop/redact: every row of the shop goes (the shop row cascades to all its data), with its
 * webhook deliveries and outbox emails. The redaction requests themselves stay, without their
 * bodies, so that a repeat of one is still recognised.
 */
export async function redactShop(tx: Tx, shop: string, options: { deliveryId?: bigint } = {}) {
  await tx.session.deleteMany({ where: { shop } });
  const deleted = await tx.shop.deleteMany({ where: { domain: shop } });
  await tx.webhookDelivery.deleteMany({
    where: { shop, topic: { not: "shop/redact" }, id: { not: options.deliveryId ?? -1n } },
  });
  await tx.webhookDelivery.updateMany({
    where: { shop, body: { not: null } },
    data: { body: null, bodyClearedAt: new Date(), lastError: null },
  });
  const outboxEmails = await eraseFromOutbox(shop);
  return { deleted: deleted.count > 0, outboxEmails };
}

/** The shop's data requests, newest first, for the Data requests page. */
export async function listDataRequests(shop: string): Promise<DataRequestRow[]> {
  const rows = await prisma.dataRequest.findMany({
    where: { shop },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      shopifyCustomerId: true,
      email: true,
      ordersRequested: true,
      createdAt: true,
      downloadedAt: true,
      purgedAt: true,
    },
  });
  return rows.map((r) => ({
    id: r.id,
    shopifyCustomerId: r.shopifyCustomerId?.toString() ?? null,
    email: r.email,
    ordersRequested: r.ordersRequested.length,
    createdAt: r.createdAt.toISOString(),
    downloadedAt: r.downloadedAt?.toISOString() ?? null,
    purgeAt:
      r.purgedAt?.toISOString() ??
      (r.downloadedAt ? new Date(r.downloadedAt.getTime() + DATA_REQUEST_KEPT_DAYS * 86_400_000).toISOString() : null),
    status: r.purgedAt ? "purged" : r.downloadedAt ? "downloaded" : "ready",
  }));
}

/**
 * The copy assembled for one data request of this shop, as JSON text, recording the first
 * download (which starts its 30 days). Null when there is no such request in this shop, or
 * its copy has been purged.
 */
export async function downloadDataRequest(shop: string, id: number): Promise<string | null> {
  const request = await prisma.dataRequest.findFirst({
    where: { shop, id, purgedAt: null },
    select: { id: true, data: true, createdAt: true, shopifyCustomerId: true, email: true },
  });
  if (!request?.data) return null;
  await prisma.dataRequest.updateMany({ where: { id, downloadedAt: null }, data: { downloadedAt: new Date() } });
  const document = {
    shop,
    requestedAt: request.createdAt.toISOString(),
    customer: { shopifyId: request.shopifyCustomerId?.toString() ?? null, email: request.email },
    ...(request.data as object),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Clears the copies downloaded more than 30 days ago; the row stays, saying when it went. */
export async function purgeDownloadedDataRequests(now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - DATA_REQUEST_KEPT_DAYS * 86_400_000);
  const purged = await prisma.dataRequest.updateMany({
    where: { purgedAt: null, downloadedAt: { lt: cutoff } },
    data: { data: Prisma.DbNull, email: null, purgedAt: now },
  });
  return purged.count;
}

async function clearOwnBody(tx: Tx, deliveryId: bigint) {
  await tx.webhookDelivery.updateMany({
    where: { id: deliveryId, body: { not: null } },
    data: { body: null, bodyClearedAt: new Date() },
  });
}

/**
 * A payload that arrives after a customer was redacted (orders/updated, a late retry) is
 * applied without its personal fields (ingest keeps redacted records redacted); its raw body
 * holds them, so it goes as soon as the delivery is applied.
 */
export async function clearBodiesOfRedactedOrders(
  tx: Tx,
  shop: string,
  deliveries: { deliveryId: bigint; orderShopifyId: bigint }[],
) {
  if (deliveries.length === 0) return 0;
  return tx.$executeRaw`
    UPDATE webhook_deliveries d SET body = NULL, body_cleared_at = now()
    FROM unnest(${deliveries.map((d) => String(d.deliveryId))}::bigint[],
                ${deliveries.map((d) => String(d.orderShopifyId))}::bigint[]) AS x(delivery_id, order_id)
    WHERE d.id = x.delivery_id AND d.body IS NOT NULL AND (
      EXISTS (SELECT 1 FROM redactions r WHERE r.shop = ${shop} AND r.kind = 'order' AND r.shopify_id = x.order_id)
      OR EXISTS (SELECT 1 FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
                 WHERE o.shop = ${shop} AND o.shopify_id = x.order_id
                   AND (o.redacted_at IS NOT NULL OR c.redacted_at IS NOT NULL)))`;
}
