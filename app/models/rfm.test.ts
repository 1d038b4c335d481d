import { describe, expect, it } from "vitest";
import { orderPayload, type Payload } from "../../test/orders";
import { callAction, uniqueShop, webhookRequest } from "../../test/shopify";
import prisma, { openDatabase } from "../db.server";
import { recomputeShops } from "../jobs.server";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { waitFor } from "../../test/wait";
import { recordAnswer } from "./answers.server";
import { computeRfm, listRfm, RfmSupersededError } from "./rfm.server";

// The largest amount an order can hold (numeric(14, 2)): a year's orders of a large buyer in a
// currency of small units (rupiah, dong) come near it.
const LARGEST = "999999999999.99";

const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** A shop of `count` customers with an order three days old each, scored today. */
async function scoredShop(name: string, count: number) {
  const shop = uniqueShop(name);
  for (let i = 0; i < count; i++) {
    const order = orderPayload((p) => {
      const at = new Date(Date.now() - 3 * 86_400_000).toISOString();
      p.created_at = p.processed_at = p.updated_at = at;
      p.customer.id = 7_400_000_000_000n + BigInt(i);
      p.customer.admin_graphql_api_id = `gid://shopify/Customer/${p.customer.id}`;
    });
    expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  }
  await computeRfm(shop, today());
  const invitations = await prisma.surveyInvitation.findMany({
    where: { shop, stage: "PRE_DELIVERY" },
    orderBy: { id: "asc" },
  });
  expect(invitations).toHaveLength(count);
  return { shop, invitations };
}

/** Answers per segment from the monthly rollup, against the same counted from the answers. */
async function segmentCounts(shop: string) {
  const sql = openDatabase().sql;
  const counted = await sql.query<{ segment: string; n: number }>(
    `SELECT coalesce(segment::text, '') AS segment, count(*)::int AS n FROM responses
     WHERE shop = $1 AND answered_day IS NOT NULL GROUP BY 1 ORDER BY 1`,
    [shop],
  );
  const rolled = await sql.query<{ segment: string; n: number }>(
    `SELECT segment, sum(promoters + passives + detractors)::int AS n FROM answer_months
     WHERE shop = $1 GROUP BY 1 HAVING sum(promoters + passives + detractors) <> 0 ORDER BY 1`,
    [shop],
  );
  return { counted: counted.rows, rolled: rolled.rows };
}

/**
 * Runs `work` while a plpgsql trigger (`body` between BEGIN and END) fires on `table`, and
 * drops it afterwards whatever happens: how these tests slow a run down or make it fail.
 */
async function withTrigger<T>(
  trigger: { name: string; fires: string; table: string; level: string; body: string },
  work: () => Promise<T>,
): Promise<T> {
  const db = openDatabase().sql;
  const name = trigger.name.replace(/\W/g, "_");
  await db.exec(`
    CREATE FUNCTION ${name}() RETURNS TRIGGER LANGUAGE plpgsql AS $$
    BEGIN
      ${trigger.body}
    END $$;
    CREATE TRIGGER ${name} ${trigger.fires} ON ${trigger.table} ${trigger.level} EXECUTE FUNCTION ${name}();`);
  try {
    return await work();
  } finally {
    await db.exec(`DROP TRIGGER ${name} ON ${trigger.table}; DROP FUNCTION ${name}();`);
  }
}

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
    await withTrigger(
      {
        name: `refuse_${broken}`,
        fires: "BEFORE UPDATE",
        table: "customers",
        level: "FOR EACH ROW",
        body: `IF NEW.shop = '${broken}' THEN RAISE EXCEPTION 'refused for this shop'; END IF; RETURN NEW;`,
      },
      async () => {
        expect(await recomputeShops([first!, broken!, last!], new Date().toISOString().slice(0, 10))).toEqual([broken]);
      },
    );
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

  it("takes an answer while a long run moves the shop's customers, and gives it its customer's new segment", async () => {
    const { shop, invitations } = await scoredShop("rfm-long", 8);
    const last = invitations.pop()!;
    for (const invitation of invitations) {
      await recordAnswer({ invitationId: invitation.id, score: 9, channel: "EMAIL", locale: "en" });
    }
    const segment = (await prisma.customer.findFirstOrThrow({ where: { shop } })).segment;
    expect(segment).not.toBe("PROSPECTS");

    // Moving each answer takes a second after its rollups are counted, holding their rows:
    // moving all seven (as of a date before their orders, every customer becomes a Prospect)
    // takes longer than the 5 s an answer's transaction waits.
    await withTrigger(
      {
        name: `zz_slow_${shop}`,
        fires: "AFTER UPDATE",
        table: "responses",
        level: "REFERENCING NEW TABLE AS moved FOR EACH STATEMENT",
        body: `PERFORM pg_sleep(1.0 * (SELECT count(*) FROM moved WHERE moved.shop = '${shop}')); RETURN NULL;`,
      },
      async () => {
        const run = computeRfm(shop, daysAgo(10), { batch: 1 });
        await waitFor("the run's first customer to move", () =>
          prisma.customer.count({ where: { shop, segment: "PROSPECTS" } }),
        );
        // Its rollup rows are the ones the run is moving answers out of: in one transaction, the
        // run held them until it ended, and this answer failed.
        const answered = await recordAnswer({ invitationId: last.id, score: 3, channel: "EMAIL", locale: "en" });
        expect(answered).toMatchObject({ closed: false, created: true });
        expect(await prisma.customer.count({ where: { shop, segment: "PROSPECTS" } })).toBeLessThan(8);
        expect(await run).toEqual({ scored: 0, prospects: 8, changed: 8 });
      },
    );

    const answers = await prisma.response.findMany({ where: { shop }, select: { segment: true } });
    expect(answers.map((a) => a.segment)).toEqual(Array(8).fill("PROSPECTS"));
    const { counted, rolled } = await segmentCounts(shop);
    expect(rolled).toEqual(counted);
    expect(counted).toEqual([{ segment: "PROSPECTS", n: 8 }]);
    expect(await prisma.rfmRunChange.count({ where: { shop } })).toBe(0);
  });

  it("gives an answer that kept a segment its customer has left the customer's segment", async () => {
    const { shop, invitations } = await scoredShop("rfm-stale", 2);
    for (const invitation of invitations) {
      await recordAnswer({ invitationId: invitation.id, score: 6, channel: "EMAIL", locale: "en" });
    }
    const [kept, stale] = await prisma.response.findMany({ where: { shop }, orderBy: { id: "asc" } });
    const segment = kept!.segment!;
    // What an answer written during a run, before its customer's move was committed, keeps.
    const other = segment === "CHAMPIONS" ? "LOYAL" : "CHAMPIONS";
    await prisma.response.update({ where: { id: stale!.id }, data: { segment: other } });
    expect((await segmentCounts(shop)).counted).toHaveLength(2);

    expect(await computeRfm(shop, today())).toEqual({ scored: 2, prospects: 0, changed: 0 });
    const answers = await prisma.response.findMany({ where: { shop }, select: { segment: true } });
    expect(answers.map((a) => a.segment)).toEqual([segment, segment]);
    const { counted, rolled } = await segmentCounts(shop);
    expect(counted).toEqual([{ segment, n: 2 }]);
    expect(rolled).toEqual(counted);
  });

  it("lets two runs of a shop at once end with every customer moved and nothing left to apply", async () => {
    const { shop } = await scoredShop("rfm-twice", 6);
    // Writing the changes takes a while, so that the two runs work them out at the same time.
    const results = await withTrigger(
      {
        name: `slow_changes_${shop}`,
        fires: "AFTER INSERT",
        table: "rfm_run_changes",
        level: "REFERENCING NEW TABLE AS written FOR EACH STATEMENT",
        body: `IF EXISTS (SELECT 1 FROM written WHERE written.shop = '${shop}') THEN PERFORM pg_sleep(0.5); END IF; RETURN NULL;`,
      },
      () =>
        Promise.allSettled([computeRfm(shop, daysAgo(10), { batch: 2 }), computeRfm(shop, daysAgo(10), { batch: 2 })]),
    );
    // Either both end, or the first is taken over by the second and says so.
    expect(results.filter((r) => r.status === "fulfilled")).not.toHaveLength(0);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(RfmSupersededError);
    expect(await computeRfm(shop, daysAgo(10))).toMatchObject({ changed: 0 });
    expect(await prisma.customer.count({ where: { shop, segment: "PROSPECTS" } })).toBe(6);
    expect(await prisma.rfmRunChange.count({ where: { shop } })).toBe(0);
    const totals = await prisma.segmentTotal.findMany({ where: { shop, customers: { not: 0 } } });
    expect(totals.map((t) => [t.segment, t.customers])).toEqual([["PROSPECTS", 6]]);
  });

  it("says so when a later run of the shop takes over, and ends as the later run says", async () => {
    const { shop } = await scoredShop("rfm-taken-over", 6);
    // Each batch takes half a second, so the later run starts while the first is applying.
    await withTrigger(
      {
        name: `zz_slow_moves_${shop}`,
        fires: "AFTER UPDATE",
        table: "customers",
        level: "REFERENCING NEW TABLE AS moved FOR EACH STATEMENT",
        body: `IF EXISTS (SELECT 1 FROM moved WHERE moved.shop = '${shop}') THEN PERFORM pg_sleep(0.5); END IF; RETURN NULL;`,
      },
      async () => {
        const first = computeRfm(shop, daysAgo(10), { batch: 1 });
        const outcome = first.then(
          () => "ended",
          (error: unknown) => error,
        );
        await waitFor("the first run's first customer to move", () =>
          prisma.customer.count({ where: { shop, segment: "PROSPECTS" } }),
        );
        const later = await computeRfm(shop, today(), { batch: 1 });
        expect(await outcome).toBeInstanceOf(RfmSupersededError);
        expect(later.scored).toBe(6);
      },
    );
    // The later run's date holds: everyone scored as of today, nothing left to apply.
    expect(await prisma.customer.count({ where: { shop, segment: "PROSPECTS" } })).toBe(0);
    expect(await listRfm(shop, today())).toHaveLength(6);
    expect(await prisma.rfmRunChange.count({ where: { shop } })).toBe(0);
    expect(await computeRfm(shop, today())).toMatchObject({ changed: 0 });
  });

  it("keeps the batches a failing run applied, and leaves the rest to the next run", async () => {
    const { shop } = await scoredShop("rfm-half-way", 4);
    const refused = (await prisma.customer.findMany({ where: { shop }, orderBy: { id: "desc" }, take: 1 }))[0]!;
    await withTrigger(
      {
        name: `refuse_one_${shop}`,
        fires: "BEFORE UPDATE",
        table: "customers",
        level: "FOR EACH ROW",
        body: `IF NEW.id = ${refused.id} THEN RAISE EXCEPTION 'refused for this customer'; END IF; RETURN NEW;`,
      },
      async () => {
        // (The embedded database's adapter does not pass the exception's message on.)
        await expect(computeRfm(shop, daysAgo(10), { batch: 1 })).rejects.toThrow();
        // Applied in customer order here (no answers): the three before the refused one moved.
        expect(await prisma.customer.count({ where: { shop, segment: "PROSPECTS" } })).toBe(3);
      },
    );
    expect(await computeRfm(shop, daysAgo(10))).toEqual({ scored: 0, prospects: 1, changed: 1 });
    expect(await prisma.customer.count({ where: { shop, segment: "PROSPECTS" } })).toBe(4);
    expect(await prisma.rfmRunChange.count({ where: { shop } })).toBe(0);
  });
});
