import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fakeAdmin } from "../../test/admin-schema";
import { callAction, examplePayload, uniqueShop, webhookRequest } from "../../test/shopify";
import prisma from "../db.server";
import { outboxMailer } from "../email/mailer.server";
import { newToken } from "../lib/tokens";
import { action as subscriptionsUpdate } from "../routes/webhooks.app_subscriptions.update";
import { action as appUninstalled } from "../routes/webhooks.app.uninstalled";
import { recordAnswer } from "./answers.server";
import { loadUsage, planSelectionUrl, surveysPaused, syncSubscription } from "./billing.server";
import { closeOutrunSurveys, dispatchDueInvitations } from "./invitation-sender.server";
import { findOnSiteSurvey } from "./onsite-surveys.server";
import { recordInstall } from "./shops.server";

const DAY = 86_400_000;

let nextOrderId = 8_100_000_000_000n;

/** `n` orders placed an hour ago, each with a pre-delivery invitation due now; their ids. */
async function placeOrders(shop: string, n: number): Promise<Array<{ orderId: number; invitationId: number }>> {
  const made = [];
  for (let i = 0; i < n; i++) {
    const shopifyId = nextOrderId++;
    const at = new Date(Date.now() - 3_600_000);
    const order = await prisma.order.create({
      data: {
        shop,
        shopifyId,
        name: `#${shopifyId % 100000n}`,
        email: `buyer${shopifyId}@example.com`,
        currency: "EUR",
        currentTotal: 40,
        totalPrice: 40,
        orderCreatedAt: at,
        shopifyUpdatedAt: at,
      },
    });
    const invitation = await prisma.surveyInvitation.create({
      data: {
        shop,
        orderId: order.id,
        stage: "PRE_DELIVERY",
        tokenHash: newToken().hash,
        email: order.email,
        sendAt: at,
        expiresAt: new Date(at.getTime() + 30 * DAY),
      },
    });
    made.push({ orderId: order.id, invitationId: invitation.id });
  }
  return made;
}

/** Answers that came in earlier this cycle, written at once (their count is what matters). */
async function answeredBefore(shop: string, n: number) {
  const orders = await placeOrders(shop, n);
  await prisma.$executeRaw`
    INSERT INTO responses (shop, invitation_id, order_id, stage, score, category, channel, answered_at, updated_at)
    SELECT ${shop}, inv, ord, 'PRE_DELIVERY', 9, 'PROMOTER', 'EMAIL', now(), now()
    FROM unnest(${orders.map((o) => o.invitationId)}::int[], ${orders.map((o) => o.orderId)}::int[]) AS t(inv, ord)`;
  await prisma.surveyInvitation.updateMany({
    where: { id: { in: orders.map((o) => o.invitationId) } },
    data: { status: "ANSWERED" },
  });
}

async function newShop() {
  const shop = uniqueShop("billing");
  await recordInstall(shop, "read_orders");
  return shop;
}

function outbox() {
  const dir = mkdtempSync(path.join(tmpdir(), "nps-billing-"));
  return { mailer: outboxMailer(dir), count: () => readdirSync(dir).filter((f) => f.endsWith(".eml")).length };
}

const stateOf = async (shop: string) => {
  const [plan, answers, invitations] = await Promise.all([
    prisma.shopPlan.findUnique({ where: { shop } }),
    prisma.response.count({ where: { shop } }),
    prisma.surveyInvitation.groupBy({ by: ["status"], where: { shop }, _count: true }),
  ]);
  return { plan, answers, invitations };
};

/** Shopify's answer to ActiveSubscriptions: one active subscription to `handle`. */
function shopifyWith(subscriptions: Array<{ id: string; handle: string; name: string; periodEnd: Date }>) {
  return fakeAdmin(() => ({
    currentAppInstallation: {
      activeSubscriptions: subscriptions.map((s) => ({
        id: s.id,
        name: s.name,
        status: "ACTIVE",
        test: true,
        createdAt: new Date(s.periodEnd.getTime() - 30 * DAY).toISOString(),
        currentPeriodEnd: s.periodEnd.toISOString(),
        lineItems: [{ plan: { pricingDetails: { __typename: "AppRecurringPricing", planHandle: s.handle } } }],
      })),
    },
  }));
}

function subscriptionUpdate(
  shop: string,
  change: { id: string; status: string; handle: string; updatedAt: Date; createdAt?: Date; shopGid?: string },
) {
  const payload = examplePayload("app_subscriptions/update") as { app_subscription: Record<string, unknown> };
  Object.assign(payload.app_subscription, {
    admin_graphql_api_id: change.id,
    status: change.status,
    plan_handle: change.handle,
    name: change.handle,
    created_at: (change.createdAt ?? change.updatedAt).toISOString(),
    updated_at: change.updatedAt.toISOString(),
    ...(change.shopGid ? { admin_graphql_api_shop_id: change.shopGid } : {}),
  });
  return callAction(subscriptionsUpdate, webhookRequest("app_subscriptions/update", payload, { shop }));
}

describe("plans and usage", () => {
  it("stores an on-site answer to a survey already shown when the pause begins", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 99);
    const [shown, reaching] = await placeOrders(shop, 2);
    const order = await prisma.order.findUniqueOrThrow({ where: { id: shown!.orderId } });
    expect(await findOnSiteSurvey({ shop, shopifyOrderId: order.shopifyId, channel: "STOREFRONT" })).toMatchObject({
      state: "open",
    });
    await recordAnswer({ invitationId: reaching!.invitationId, score: 10, channel: "EMAIL", locale: "en" });
    expect(await surveysPaused(shop)).toBe(true);
    const lookup = await findOnSiteSurvey({
      shop,
      shopifyOrderId: order.shopifyId,
      channel: "STOREFRONT",
      answering: true,
    });
    expect(lookup.state).toBe("open");
    if (lookup.state !== "open") return;
    await recordAnswer({ invitationId: lookup.invitationId, score: 6, channel: "STOREFRONT", locale: "en" });
    expect(await prisma.response.count({ where: { shop } })).toBe(101);
  });

  it("starts a new shop on the free plan: 100 answers in a 30-day cycle from installation", async () => {
    const shop = await newShop();
    const installed = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).installedAt;
    const usage = await loadUsage(shop);
    expect(usage).toMatchObject({ planHandle: "free", used: 0, limit: 100, level: "ok", paused: false });
    expect(new Date(usage.resetsAt).getTime()).toBe(installed.getTime() + 30 * DAY);
  });

  it("warns at 80 %, and keeps sending", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 80);
    expect(await loadUsage(shop)).toMatchObject({ used: 80, level: "near", paused: false });
    await placeOrders(shop, 1);
    const mail = outbox();
    expect((await dispatchDueInvitations({ mailer: mail.mailer, shop })).sent).toBe(1);
  });

  it("at the limit pauses invitations and on-site surveys, and still stores every answer that arrives", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 99);
    const [hundredth, emailedEarlier, waiting] = await placeOrders(shop, 3);
    // The earlier invitation was emailed before the limit: its shopper may still answer.
    await prisma.surveyInvitation.update({ where: { id: emailedEarlier!.invitationId }, data: { status: "SENT" } });

    await recordAnswer({ invitationId: hundredth!.invitationId, score: 3, channel: "EMAIL", locale: "en" });
    expect(await surveysPaused(shop)).toBe(true);
    expect(await loadUsage(shop)).toMatchObject({ used: 100, level: "reached", paused: true });

    const mail = outbox();
    expect((await dispatchDueInvitations({ mailer: mail.mailer, shop })).sent).toBe(0);
    expect(mail.count()).toBe(0);
    const order = await prisma.order.findUniqueOrThrow({ where: { id: waiting!.orderId } });
    expect(await findOnSiteSurvey({ shop, shopifyOrderId: order.shopifyId, channel: "STOREFRONT" })).toEqual({
      state: "none",
      reason: "paused",
    });

    const late = await recordAnswer({
      invitationId: emailedEarlier!.invitationId,
      score: 8,
      channel: "EMAIL",
      locale: "en",
    });
    expect(late.closed).toBe(false);
    const after = await stateOf(shop);
    expect(after.answers).toBe(101);
    expect(await prisma.surveyInvitation.findUniqueOrThrow({ where: { id: waiting!.invitationId } })).toMatchObject({
      status: "SCHEDULED",
      attempts: 0,
    });
    // A shopper's own answer stays open for editing on site.
    const answeredOrder = await prisma.order.findUniqueOrThrow({ where: { id: hundredth!.orderId } });
    await prisma.response.updateMany({ where: { orderId: hundredth!.orderId }, data: { channel: "STOREFRONT" } });
    expect(
      await findOnSiteSurvey({ shop, shopifyOrderId: answeredOrder.shopifyId, channel: "STOREFRONT" }),
    ).toMatchObject({ state: "open", answer: { score: 3 } });
  });

  it("resumes when the cycle ends: the waiting invitation goes", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 100);
    const [waiting] = await placeOrders(shop, 1);
    // An invitation that outlives the cycle (the default expiry is 30 days).
    await prisma.surveyInvitation.update({
      where: { id: waiting!.invitationId },
      data: { expiresAt: new Date(Date.now() + 60 * DAY) },
    });
    expect(await loadUsage(shop)).toMatchObject({ paused: true });
    const nextCycle = new Date(Date.now() + 30 * DAY + 1000);
    expect(await surveysPaused(shop, nextCycle)).toBe(false);
    const mail = outbox();
    expect((await dispatchDueInvitations({ mailer: mail.mailer, shop, now: nextCycle })).sent).toBe(1);
    expect(await loadUsage(shop, nextCycle)).toMatchObject({ used: 0, level: "ok", paused: false });
  });

  it("does not send a held pre-delivery survey once the parcel has arrived: the post-delivery one goes", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 100);
    const [delivered, fulfilled, waiting] = await placeOrders(shop, 3);
    const later = (days: number) => new Date(Date.now() + days * DAY);
    for (const o of [delivered, fulfilled, waiting])
      await prisma.surveyInvitation.update({ where: { id: o!.invitationId }, data: { expiresAt: later(60) } });
    // During the pause: one order reported delivered, another fulfilled (its post-delivery
    // survey due three days later), the third still on its way.
    await prisma.order.update({ where: { id: delivered!.orderId }, data: { deliveredAt: later(2) } });
    for (const o of [delivered, fulfilled]) {
      await prisma.surveyInvitation.create({
        data: {
          shop,
          orderId: o!.orderId,
          stage: "POST_DELIVERY",
          tokenHash: newToken().hash,
          email: `post${o!.orderId}@example.com`,
          sendAt: later(5),
          expiresAt: later(35),
        },
      });
    }
    const mail = outbox();
    const nextCycle = later(30);
    expect(await dispatchDueInvitations({ mailer: mail.mailer, shop, now: nextCycle })).toMatchObject({ sent: 3 });
    const sent = await prisma.surveyInvitation.findMany({
      where: { shop, status: "SENT" },
      select: { orderId: true, stage: true },
      orderBy: [{ orderId: "asc" }, { stage: "asc" }],
    });
    expect(sent).toEqual([
      { orderId: delivered!.orderId, stage: "POST_DELIVERY" },
      { orderId: fulfilled!.orderId, stage: "POST_DELIVERY" },
      { orderId: waiting!.orderId, stage: "PRE_DELIVERY" },
    ]);
    expect(mail.count()).toBe(3);
    // The sweep closes the two that will never go, saying why; no channel offers them any more.
    expect(await closeOutrunSurveys(nextCycle, shop)).toBe(2);
    const closed = await prisma.surveyInvitation.findMany({
      where: { shop, status: "CANCELLED" },
      select: { orderId: true, stage: true, lastError: true },
      orderBy: { orderId: "asc" },
    });
    expect(closed.map((c) => [c.orderId, c.stage])).toEqual([
      [delivered!.orderId, "PRE_DELIVERY"],
      [fulfilled!.orderId, "PRE_DELIVERY"],
    ]);
    expect(closed[0]!.lastError).toMatch(/parcel arrived first/);
    expect(await closeOutrunSurveys(nextCycle, shop)).toBe(0);
  });

  it("an upgrade read from Shopify lifts the pause, and the waiting invitations go", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 100);
    await placeOrders(shop, 2);
    expect(await loadUsage(shop)).toMatchObject({ paused: true });
    expect(await surveysPaused(shop)).toBe(true);

    const periodEnd = new Date(Date.now() + 29 * DAY);
    const shopify = shopifyWith([
      { id: "gid://shopify/AppSubscription/11", handle: "growth", name: "Growth", periodEnd },
    ]);
    await syncSubscription(shop, shopify.graphql);
    // The fake answers only documents and variables that Shopify's schema accepts.
    expect(shopify.calls).toHaveLength(1);
    const usage = await loadUsage(shop);
    expect(usage).toMatchObject({ planHandle: "growth", limit: 1000, test: true, paused: false });
    expect(new Date(usage.resetsAt).getTime()).toBe(periodEnd.getTime());
    expect(usage.used).toBe(100);
    const mail = outbox();
    expect((await dispatchDueInvitations({ mailer: mail.mailer, shop })).sent).toBe(2);
  });

  it("a cancellation returns the shop to the free plan; late and stray webhooks change nothing", async () => {
    const shop = await newShop();
    const t0 = Date.now() - 2 * DAY;
    expect(
      (
        await subscriptionUpdate(shop, {
          id: "gid://shopify/AppSubscription/21",
          status: "ACTIVE",
          handle: "pro",
          updatedAt: new Date(t0),
        })
      ).status,
    ).toBe(200);
    expect(await loadUsage(shop)).toMatchObject({ planHandle: "pro", limit: 5000 });

    // The end of another subscription (a pending one the merchant declined) leaves Pro alone.
    await subscriptionUpdate(shop, {
      id: "gid://shopify/AppSubscription/22",
      status: "DECLINED",
      handle: "scale",
      updatedAt: new Date(t0 + 1000),
    });
    expect(await loadUsage(shop)).toMatchObject({ planHandle: "pro" });

    await subscriptionUpdate(shop, {
      id: "gid://shopify/AppSubscription/21",
      status: "CANCELLED",
      handle: "pro",
      updatedAt: new Date(t0 + DAY),
    });
    const free = await loadUsage(shop);
    expect(free).toMatchObject({ planHandle: "free", limit: 100 });
    expect(new Date(free.cycleStartsAt).getTime()).toBe(t0 + DAY);

    // Shopify repeats the activation late: it is older than the cancellation.
    const before = await stateOf(shop);
    await subscriptionUpdate(shop, {
      id: "gid://shopify/AppSubscription/21",
      status: "ACTIVE",
      handle: "pro",
      updatedAt: new Date(t0),
    });
    expect(await stateOf(shop)).toEqual(before);
  });

  it("an upgrade survives its webhooks arriving in any order: the old plan's end never undoes the new plan", async () => {
    const t0 = Date.now() - 10 * DAY;
    const growth = { id: "gid://shopify/AppSubscription/51", handle: "growth", createdAt: new Date(t0) };
    const pro = { id: "gid://shopify/AppSubscription/52", handle: "pro", createdAt: new Date(t0 + 5 * DAY) };
    for (const order of [
      ["pro-active", "growth-cancelled"],
      ["growth-cancelled", "pro-active"],
    ]) {
      const shop = await newShop();
      await subscriptionUpdate(shop, { ...growth, status: "ACTIVE", updatedAt: growth.createdAt });
      for (const step of order) {
        if (step === "pro-active")
          await subscriptionUpdate(shop, { ...pro, status: "ACTIVE", updatedAt: pro.createdAt });
        // Shopify cancels the old subscription a second after the new one is active.
        else
          await subscriptionUpdate(shop, { ...growth, status: "CANCELLED", updatedAt: new Date(t0 + 5 * DAY + 1000) });
      }
      expect(await loadUsage(shop), order.join(" then ")).toMatchObject({ planHandle: "pro", limit: 5000 });
    }
  });

  it("takes a subscription webhook for a shop it has not seen yet", async () => {
    const shop = uniqueShop("billing");
    const res = await subscriptionUpdate(shop, {
      id: "gid://shopify/AppSubscription/71",
      status: "ACTIVE",
      handle: "growth",
      updatedAt: new Date(),
    });
    expect(res.status).toBe(200);
    expect(await loadUsage(shop)).toMatchObject({ planHandle: "growth" });
  });

  it("an uninstall and reinstall of a free shop does not renew its answers", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 100);
    const before = await loadUsage(shop);
    expect(before).toMatchObject({ paused: true });
    await callAction(appUninstalled, webhookRequest("app/uninstalled", { myshopify_domain: shop }, { shop }));
    await recordInstall(shop, "read_orders");
    await syncSubscription(shop, shopifyWith([]).graphql);
    expect(await loadUsage(shop)).toMatchObject({
      planHandle: "free",
      used: 100,
      paused: true,
      resetsAt: before.resetsAt,
    });
  });

  it("takes Shopify's example delivery (a pending subscription) without changing the plan", async () => {
    const shop = await newShop();
    await loadUsage(shop);
    const before = await stateOf(shop);
    const res = await callAction(
      subscriptionsUpdate,
      webhookRequest("app_subscriptions/update", examplePayload("app_subscriptions/update"), { shop }),
    );
    expect(res.status).toBe(200);
    expect(await stateOf(shop)).toEqual(before);
  });

  it("refuses a delivery with an unknown status, saying why, and changes nothing", async () => {
    const shop = await newShop();
    await loadUsage(shop);
    const before = await stateOf(shop);
    const payload = examplePayload("app_subscriptions/update") as { app_subscription: Record<string, unknown> };
    payload.app_subscription.status = "PAID_IN_FULL";
    const res = await callAction(subscriptionsUpdate, webhookRequest("app_subscriptions/update", payload, { shop }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("status");
    expect(await stateOf(shop)).toEqual(before);
  });

  it("uninstalling ends the paid plan", async () => {
    const shop = await newShop();
    await subscriptionUpdate(shop, {
      id: "gid://shopify/AppSubscription/31",
      status: "ACTIVE",
      handle: "scale",
      updatedAt: new Date(),
    });
    expect(await loadUsage(shop)).toMatchObject({ planHandle: "scale" });
    const res = await callAction(
      appUninstalled,
      webhookRequest("app/uninstalled", { myshopify_domain: shop }, { shop }),
    );
    expect(res.status).toBe(200);
    expect(await loadUsage(shop)).toMatchObject({ planHandle: "free", limit: 100 });
    expect((await prisma.shopPlan.findUniqueOrThrow({ where: { shop } })).subscriptionStatus).toBe("CANCELLED");
  });

  it("knows no limit for a private plan it has no handle for, so nothing pauses", async () => {
    const shop = await newShop();
    await answeredBefore(shop, 120);
    const shopify = shopifyWith([
      {
        id: "gid://shopify/AppSubscription/41",
        handle: "agency-deal",
        name: "Agency deal",
        periodEnd: new Date(Date.now() + DAY),
      },
    ]);
    await syncSubscription(shop, shopify.graphql);
    expect(await loadUsage(shop)).toMatchObject({ planName: "Agency deal", limit: null, level: "ok", paused: false });
  });

  it("sends merchants to Shopify's plan selection page for the app", () => {
    expect(planSelectionUrl("maison-lumiere.myshopify.com")).toBe(
      "https://admin.shopify.com/store/maison-lumiere/charges/nps-delivery-feedback/pricing_plans",
    );
  });
});
