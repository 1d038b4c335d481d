import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KLAVIYO_REVISION, startKlaviyo } from "../../test/klaviyo-fake";
import { orderPayload, type Payload } from "../../test/orders";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop, webhookRequest } from "../../test/shopify";
import prisma from "../db.server";
import { env } from "../env.server";
import { type ActionDeps, runDueActions } from "../models/answer-actions.server";
import { recordAnswer } from "../models/answers.server";
import { action as integrations } from "../routes/app.settings_.integrations";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { computeRfm } from "../models/rfm.server";
import {
  connectKlaviyo,
  disconnectKlaviyo,
  getKlaviyoStatus,
  runKlaviyoBackfills,
  runKlaviyoProfileSyncs,
} from "./klaviyo.server";

const KEY = "pk_test0123456789abcdef0123456789ab";
const OTHER_KEY = "pk_other0123456789abcdef012345678";
let klaviyo: Awaited<ReturnType<typeof startKlaviyo>>;
beforeAll(async () => {
  klaviyo = await startKlaviyo({ apiKey: KEY, apiKeys: [OTHER_KEY], account: { id: "XyZ789", name: "Maison Test" } });
  // The one setting tests change after boot: where Klaviyo is.
  Object.assign(env(), { KLAVIYO_API_URL: klaviyo.url });
});
afterAll(() => klaviyo.close());

const deps: ActionDeps = {
  adminFor: async () => null,
  mailer: () => {
    throw new Error("no email here");
  },
  appUrl: "https://x.test",
};

let nextCustomer = 9_500_000;
/** An answered survey of a new customer's order (or a guest's); returns the answer's id. */
async function answered(shop: string, score: number, change: (p: Payload) => void = () => {}) {
  const customer = nextCustomer++;
  const order = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = new Date(Date.now() - 3_600_000).toISOString();
    p.customer.id = customer;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customer}`;
    p.email = p.customer.email = `k${customer}@example.com`;
    change(p);
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  const invitation = await prisma.surveyInvitation.findFirstOrThrow({
    where: { shop, order: { shopifyId: BigInt(order.id) } },
  });
  const saved = await recordAnswer({
    invitationId: invitation.id,
    score,
    comment: "Fine",
    channel: "EMAIL",
    locale: "en",
  });
  if (saved.closed) throw new Error("closed");
  return { responseId: saved.responseId, invitationId: invitation.id, email: order.email as string };
}

async function connectedShop() {
  const shop = uniqueShop("klaviyo");
  await installShop(shop);
  await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{tagCustomers}', 'false') WHERE domain = ${shop}`;
  return shop;
}

// Klaviyo's JSON:API bodies, read field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
type Body = { data: { attributes: Record<string, Json> } };
const eventsFor = (email: string) =>
  klaviyo.accepted
    .filter((r) => r.operation === "createEvent")
    .map((r) => (r.body as Body).data.attributes)
    .filter((a) => a.profile.data.attributes.email === email);

describe("Klaviyo", () => {
  it("refuses a key Klaviyo refuses, and one that is not a private key, storing nothing", async () => {
    const shop = await connectedShop();
    const form = (apiKey: string) =>
      new Request(`${APP_URL}/app/settings/integrations?shop=${shop}&embedded=1`, {
        method: "POST",
        body: new URLSearchParams({ intent: "klaviyo-connect", apiKey }),
        headers: { authorization: `Bearer ${sessionToken(shop)}` },
      });
    const wrong = await callAction(integrations, form("pk_wrong0123456789abcdef012345"));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { errors: { apiKey: string } }).errors.apiKey).toMatch(/^Klaviyo refused the key/);
    const public_ = await callAction(integrations, form("AbC123"));
    expect(((await public_.json()) as { errors: { apiKey: string } }).errors.apiKey).toMatch(/starts with pk_/);
    expect(await prisma.klaviyoConnection.count({ where: { shop } })).toBe(0);
    const ok = await callAction(integrations, form(KEY));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { message: string }).message).toContain("Connected to Klaviyo (Maison Test)");
    const stored = await prisma.klaviyoConnection.findUniqueOrThrow({ where: { shop } });
    expect(stored.apiKey).not.toContain(KEY);
    expect(stored.apiKey.startsWith("enc:v1:")).toBe(true);
  });

  it("sends the answers so far as backfill, in bulk jobs without flows, with truthful progress", async () => {
    const shop = await connectedShop();
    const a = await answered(shop, 9);
    const b = await answered(shop, 3);
    await answered(shop, 8, (p) => {
      p.customer = null;
    });
    const status = await connectKlaviyo(shop, KEY);
    expect(status).toMatchObject({ connected: true, accountName: "Maison Test", backfill: { total: 2, done: 0 } });
    const before = klaviyo.accepted.length;
    const n = await runKlaviyoBackfills({ shop });
    expect(n).toBe(2);
    expect(await runKlaviyoBackfills({ shop })).toBe(0);
    const jobs = klaviyo.accepted.slice(before);
    expect(jobs.map((j) => j.operation)).toEqual(["bulkCreateEvents"]);
    const groups = (jobs[0]!.body as Json).data.attributes["events-bulk-create"].data as Json[];
    expect(groups.map((g) => g.attributes.profile.data.attributes.email).sort()).toEqual([a.email, b.email].sort());
    for (const g of groups) {
      expect(g.attributes.events.data).toHaveLength(1);
      expect(g.attributes.events.data[0].attributes).toMatchObject({
        backfill: true,
        metric: { data: { type: "metric", attributes: { name: "NPS Answered" } } },
      });
    }
    expect(await getKlaviyoStatus(shop)).toMatchObject({ backfill: { total: 2, done: 2, finished: true } });
    // The backfill's answers are not sent again one by one.
    await runDueActions(deps, { shop });
    expect(klaviyo.accepted.length).toBe(before + 1);
  });

  it("sends each new answer and each edit once, in order, with the profile's NPS properties, waiting out a 429", async () => {
    const shop = await connectedShop();
    await connectKlaviyo(shop, KEY);
    const refusedBefore = klaviyo.refused.length;
    const first = await answered(shop, 10);
    klaviyo.throttle(1);
    await runDueActions(deps, { shop });
    // Klaviyo said 429: the event waits its Retry-After, not counted as a failed try.
    const waiting = await prisma.answerAction.findFirstOrThrow({
      where: { responseId: first.responseId, kind: "KLAVIYO_EVENT" },
    });
    expect(waiting).toMatchObject({ status: "PENDING", attempts: 0 });
    expect(waiting.lastError).toContain("429");
    expect(waiting.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
    await runDueActions(deps, { shop, now: new Date(Date.now() + 2000) });
    await recordAnswer({
      invitationId: first.invitationId,
      score: 4,
      comment: "Changed my mind",
      channel: "EMAIL",
      locale: "en",
    });
    await runDueActions(deps, { shop });
    await runDueActions(deps, { shop, now: new Date(Date.now() + 3 * 3_600_000) });

    const events = eventsFor(first.email);
    expect(events.map((e) => e.properties.score)).toEqual([10, 4]);
    expect(new Set(events.map((e) => e.unique_id)).size).toBe(2);
    expect(events[1]).toMatchObject({
      metric: { data: { attributes: { name: "NPS Answered" } } },
      properties: { category: "detractor", stage: "before delivery", channel: "email", comment: "Changed my mind" },
      value_currency: expect.any(String),
      profile: {
        data: {
          attributes: {
            email: first.email,
            properties: { nps_last_score: 4, nps_category: "detractor", rfm_segment: "none" },
          },
        },
      },
    });
    // Klaviyo said 429 once: nothing else was refused.
    expect(klaviyo.refused.slice(refusedBefore).map((r) => r.status)).toEqual([429]);
  });

  it("sends nothing more once disconnected, and nothing about a guest", async () => {
    const shop = await connectedShop();
    await connectKlaviyo(shop, KEY);
    const guest = await answered(shop, 9, (p) => {
      p.customer = null;
    });
    expect(await prisma.answerAction.count({ where: { responseId: guest.responseId, kind: "KLAVIYO_EVENT" } })).toBe(0);
    const later = await answered(shop, 9);
    expect(await disconnectKlaviyo(shop)).toBe(true);
    await runDueActions(deps, { shop });
    expect(eventsFor(later.email)).toEqual([]);
    expect(
      await prisma.answerAction.findFirstOrThrow({ where: { responseId: later.responseId, kind: "KLAVIYO_EVENT" } }),
    ).toMatchObject({ status: "SKIPPED" });
  });

  it("updates the profiles whose RFM segment the daily run changed, in bulk, and only for a connected shop", async () => {
    const shop = await connectedShop();
    await connectKlaviyo(shop, KEY);
    const a = await answered(shop, 9);
    const b = await answered(shop, 2);
    const other = await connectedShop();
    await answered(other, 9);
    await computeRfm(shop, new Date().toISOString().slice(0, 10));
    await computeRfm(other, new Date().toISOString().slice(0, 10));
    expect(await prisma.klaviyoProfileSync.count({ where: { shop } })).toBe(2);
    expect(await prisma.klaviyoProfileSync.count({ where: { shop: other } })).toBe(0);
    const before = klaviyo.accepted.length;
    expect(await runKlaviyoProfileSyncs({ shop })).toBe(2);
    const job = klaviyo.accepted.slice(before);
    expect(job.map((j) => j.operation)).toEqual(["bulkImportProfiles"]);
    const profiles = (job[0]!.body as Json).data.attributes.profiles.data as Json[];
    const segments = await prisma.customer.findMany({ where: { shop }, select: { email: true, segment: true } });
    expect(profiles.map((p) => [p.attributes.email, p.attributes.properties.rfm_segment]).sort()).toEqual(
      segments.map((c) => [c.email, c.segment!.toLowerCase()]).sort(),
    );
    expect(profiles.map((p) => p.attributes.email).sort()).toEqual([a.email, b.email].sort());
    expect(await prisma.klaviyoProfileSync.count({ where: { shop } })).toBe(0);
    expect(await runKlaviyoProfileSyncs({ shop })).toBe(0);
  });

  it("stops a backfill under way when the shop reconnects to another key, which then gets every past answer", async () => {
    const shop = await connectedShop();
    for (let i = 0; i < 3; i++) await answered(shop, 9);
    await connectKlaviyo(shop, KEY);
    const arrived = klaviyo.arrived();
    const release = klaviyo.hold();
    const running = runKlaviyoBackfills({ shop });
    while (klaviyo.arrived() === arrived) await new Promise((resolve) => setTimeout(resolve, 10));
    // While the first key's job is in flight, the merchant reconnects with another key.
    await disconnectKlaviyo(shop);
    release();
    await connectKlaviyo(shop, OTHER_KEY);
    await running;
    expect(await getKlaviyoStatus(shop)).toMatchObject({ backfill: { total: 3, done: 0, finished: false } });
    const before = klaviyo.accepted.length;
    expect(await runKlaviyoBackfills({ shop })).toBe(3);
    expect(klaviyo.accepted.slice(before).map((r) => [r.operation, r.key])).toEqual([["bulkCreateEvents", OTHER_KEY]]);
    expect(await getKlaviyoStatus(shop)).toMatchObject({ backfill: { total: 3, done: 3, finished: true } });
  });

  it("speaks the SDK's revision, which the fake checks", () => {
    expect(KLAVIYO_REVISION).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });
});
