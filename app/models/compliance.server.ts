import type { CustomersDataRequest, CustomersRedact } from "../domain/compliance";
import type { Prisma } from "../generated/prisma/client";
import { ensureShop } from "./shops.server";

type Tx = Prisma.TransactionClient;

/** The customer's rows and the orders named, found by Shopify customer id, order ids, or email. */
async function findCustomerScope(
  tx: Tx,
  shop: string,
  customer: { id?: bigint | null; email?: string | null },
  orderIds: bigint[],
) {
  const customers = await tx.customer.findMany({
    where: {
      shop,
      OR: [
        ...(customer.id != null ? [{ shopifyId: customer.id }] : []),
        ...(customer.email ? [{ email: { equals: customer.email, mode: "insensitive" as const } }] : []),
      ],
    },
    select: { id: true },
  });
  const customerIds = customers.map((c) => c.id);
  const orders = await tx.order.findMany({
    where: {
      shop,
      OR: [
        { customerId: { in: customerIds } },
        { shopifyId: { in: orderIds } },
        ...(customer.email ? [{ email: { equals: customer.email, mode: "insensitive" as const } }] : []),
      ],
    },
    select: { id: true },
  });
  return { customerIds, orderIds: orders.map((o) => o.id) };
}

/**
 * customers/redact: removes the customer's personal data and every free-text comment they
 * wrote (and the notes merchants wrote about those answers). Scores stay, anonymous, so the
 * shop's NPS history does not change.
 */
export async function redactCustomer(tx: Tx, shop: string, request: CustomersRedact) {
  const scope = await findCustomerScope(tx, shop, request.customer, request.orders_to_redact);
  const now = new Date();
  const customers = await tx.customer.updateMany({
    where: { id: { in: scope.customerIds } },
    data: { email: null, firstName: null, lastName: null, locale: null, redactedAt: now },
  });
  const orders = await tx.order.updateMany({ where: { id: { in: scope.orderIds } }, data: { email: null } });
  await tx.surveyInvitation.updateMany({ where: { orderId: { in: scope.orderIds } }, data: { email: null } });
  const responseWhere = {
    shop,
    OR: [{ orderId: { in: scope.orderIds } }, { customerId: { in: scope.customerIds } }],
  };
  const responses = await tx.response.updateMany({ where: responseWhere, data: { comment: null } });
  await tx.caseNote.deleteMany({ where: { case: { response: responseWhere } } });
  if (request.customer.email) {
    await tx.emailSuppression.deleteMany({
      where: { shop, email: { equals: request.customer.email, mode: "insensitive" } },
    });
  }
  return { customers: customers.count, orders: orders.count, comments: responses.count };
}

/** customers/data_request: everything stored about the customer, as JSON, kept for the merchant. */
export async function assembleCustomerData(tx: Tx, shop: string, request: CustomersDataRequest) {
  const scope = await findCustomerScope(tx, shop, request.customer, request.orders_requested);
  const [customers, orders, responses] = await Promise.all([
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
  ]);
  const data = {
    customers: customers.map((c) => ({ ...c, shopifyId: c.shopifyId.toString() })),
    orders: orders.map((o) => ({
      ...o,
      shopifyId: o.shopifyId.toString(),
      lines: o.lines.map((l) => ({ ...l, amount: l.amount.toString() })),
    })),
    surveyAnswers: responses.map((r) => ({ ...r, order: r.order.name })),
  };
  await ensureShop(shop, tx);
  const record = await tx.dataRequest.create({
    data: {
      shop,
      shopifyCustomerId: request.customer.id ?? null,
      email: request.customer.email ?? null,
      ordersRequested: request.orders_requested,
      data: JSON.parse(JSON.stringify(data)) as Prisma.InputJsonValue,
    },
  });
  return { id: record.id, data };
}

/** shop/redact: every row of the shop goes (the shop row cascades to all its data). */
export async function redactShop(tx: Tx, shop: string) {
  await tx.session.deleteMany({ where: { shop } });
  const deleted = await tx.shop.deleteMany({ where: { domain: shop } });
  await tx.webhookDelivery.deleteMany({ where: { shop, topic: { not: "shop/redact" } } });
  return { deleted: deleted.count > 0 };
}
