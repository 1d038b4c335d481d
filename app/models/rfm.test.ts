import { describe, expect, it } from "vitest";
import { orderPayload, type Payload } from "../../test/orders";
import { callAction, uniqueShop, webhookRequest } from "../../test/shopify";
import prisma, { openDatabase } from "../db.server";
import { recomputeShops } from "../jobs.server";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { computeRfm, listRfm } from "./rfm.server";

// The largest amount an order can hold (numeric(14, 2)): a year's orders of a large buyer in a
// currency of small units (rupiah, dong) come near it.
const LARGEST = "999999999999.99";

function largeOrder(customerId: bigint, daysAgo: number): Payload {
  return orderPayload((p) => {
    const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    p.created_at = p.processed_at = p.updated_at = at;
    p.customer.id = customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customerId}`;
    for (const field of ["current_total_price", "total_price"]) {
      p[field] = LARGEST;
      if (p[`${field}_set`]) p[`${field}_set`].shop_money.amount = LARGEST;
    }
  });
}

describe("the RFM run", () => {
  it("scores a customer whose orders add up past what one order can hold", async () => {
    const shop = uniqueShop("rfm-large");
    const customerId = 7_200_000_000_001n;
    for (const daysAgo of [400, 30]) {
      const res = await callAction(
        ordersCreate,
        webhookRequest("orders/create", largeOrder(customerId, daysAgo), { shop }),
      );
      expect(res.status).toBe(200);
    }
    expect(await prisma.order.count({ where: { shop, currentTotal: LARGEST } })).toBe(2);

    // Before, the sum overflowed customers.monetary and the whole shop's run failed.
    const today = new Date().toISOString().slice(0, 10);
    expect(await computeRfm(shop, today)).toMatchObject({ scored: 1, changed: 1 });
    const [row] = await listRfm(shop, today);
    expect(row).toMatchObject({ customer_id: String(customerId), frequency: 2, monetary: "1999999999999.98" });
    const customer = await prisma.customer.findFirstOrThrow({ where: { shop, shopifyId: customerId } });
    expect(customer.totalSpent.toFixed(2)).toBe("1999999999999.98");
    const totals = await prisma.segmentTotal.findMany({ where: { shop, customers: { gt: 0 } } });
    expect(totals.map((t) => t.revenue.toFixed(2))).toEqual(["1999999999999.98"]);
  });

  it("goes on with the other shops when one shop's run fails, and says which", async () => {
    const [first, broken, last] = ["rfm-first", "rfm-broken", "rfm-last"].map((name) => uniqueShop(name));
    for (const [i, shop] of [first!, broken!, last!].entries()) {
      const order = orderPayload((p) => {
        p.customer.id = 7_300_000_000_000n + BigInt(i);
        p.customer.admin_graphql_api_id = `gid://shopify/Customer/${p.customer.id}`;
      });
      expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
    }
    // The database refuses the broken shop's run, as it would a deadlock's victim.
    const db = openDatabase().sql;
    const name = `refuse_${broken!.replace(/\W/g, "_")}`;
    await db.exec(`
      CREATE FUNCTION ${name}() RETURNS TRIGGER LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.shop = '${broken}' THEN RAISE EXCEPTION 'refused for this shop'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER ${name} BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION ${name}();`);
    try {
      expect(await recomputeShops([first!, broken!, last!], new Date().toISOString().slice(0, 10))).toEqual([broken]);
    } finally {
      await db.exec(`DROP TRIGGER ${name} ON customers; DROP FUNCTION ${name}();`);
    }
    const segments = await prisma.customer.findMany({
      where: { shop: { in: [first!, broken!, last!] } },
      select: { shop: true, segment: true },
      orderBy: { shopifyId: "asc" },
    });
    expect(segments.map((c) => [c.shop, c.segment !== null])).toEqual([
      [first, true],
      [broken, false],
      [last, true],
    ]);
  });
});
