import { describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { recordAnswer } from "../../app/models/answers.server";
import { classifyPendingComments } from "../../app/models/themes.server";
import { action as customersRedact } from "../../app/routes/webhooks.customers.redact";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { orderPayload } from "../orders";
import { callAction, examplePayload, uniqueShop, webhookRequest } from "../shopify";

/** A customer's order and the answer to its before-delivery survey, with a comment. */
async function answerFor(shop: string, customerId: bigint, comment: string) {
  const order = orderPayload((p) => {
    const now = new Date().toISOString();
    p.created_at = now;
    p.processed_at = now;
    p.updated_at = now;
    p.customer.id = customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customerId}`;
    p.customer.email = `c${customerId}@example.com`;
    p.email = `c${customerId}@example.com`;
  });
  const res = await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }));
  expect(res.status).toBe(200);
  const stored = await prisma.order.findFirstOrThrow({ where: { shop, shopifyId: BigInt(order.id) } });
  const invitation = await prisma.surveyInvitation.findFirstOrThrow({
    where: { orderId: stored.id, stage: "PRE_DELIVERY" },
  });
  const answer = await recordAnswer({ invitationId: invitation.id, score: 2, comment, channel: "EMAIL", locale: "de" });
  if (answer.closed) throw new Error("the survey was closed");
  return answer.responseId;
}

describe("comment themes under an erasure request", () => {
  it("erases the words quoted from the customer's comments, and only theirs", async () => {
    const shop = uniqueShop("privacy-themes");
    const erased = 8_200_000_000_001n;
    const mine = await answerFor(shop, erased, "Kundenservice antwortet nie, Frau Quaxenbrück");
    const other = await answerFor(shop, 8_200_000_000_002n, "Kundenservice antwortet nie");
    while ((await classifyPendingComments(100)) > 0);
    expect(await prisma.responseTheme.findMany({ where: { responseId: mine }, select: { words: true } })).toEqual([
      { words: ["kundenservice antwortet"] },
    ]);

    const res = await callAction(
      customersRedact,
      webhookRequest(
        "customers/redact",
        {
          ...examplePayload("customers/redact"),
          shop_domain: shop,
          customer: { id: Number(erased), email: `c${erased}@example.com`, phone: null },
          orders_to_redact: [],
        },
        { shop },
      ),
    );
    expect(res.status).toBe(200);
    expect(await prisma.responseTheme.count({ where: { responseId: mine } })).toBe(0);
    expect(await prisma.commentClassification.count({ where: { responseId: mine } })).toBe(0);
    // Another customer's comment and its themes stay.
    expect(await prisma.responseTheme.count({ where: { responseId: other } })).toBe(1);
    expect(await prisma.commentClassification.findUnique({ where: { responseId: other } })).toMatchObject({
      pending: false,
      language: "de",
    });
  });
});
