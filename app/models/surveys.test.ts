import { readdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderPayload, type Payload } from "../../test/orders";
import { callAction, examplePayload, uniqueShop, webhookRequest } from "../../test/shopify";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import prisma from "../db.server";
import { outboxMailer, smtpMailer, type Mailer } from "../email/mailer.server";
import { hashToken } from "../lib/tokens";
import { action as fulfillmentEvent } from "../routes/webhooks.fulfillment_events.create";
import { action as ordersCancelled } from "../routes/webhooks.orders.cancelled";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { action as ordersFulfilled } from "../routes/webhooks.orders.fulfilled";
import {
  dispatchDueInvitations,
  expireInvitations,
  recoverStuckSends,
  STUCK_SEND_MS,
} from "./invitation-sender.server";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function send(topic: string, body: Payload, shop: string) {
  const action = {
    "orders/create": ordersCreate,
    "orders/fulfilled": ordersFulfilled,
    "orders/cancelled": ordersCancelled,
  }[topic] as typeof ordersCreate;
  const res = await callAction(action, webhookRequest(topic, body, { shop }));
  expect(res.status, await res.clone().text()).toBe(200);
}

const invitations = (shop: string) =>
  prisma.surveyInvitation.findMany({ where: { shop }, orderBy: [{ orderId: "asc" }, { stage: "asc" }] });

/** An order placed `ago` milliseconds before now, by customer `customerId`. */
function placed(ago: number, change: (p: Payload) => void = () => {}) {
  return orderPayload((p) => {
    const at = new Date(Date.now() - ago).toISOString();
    p.created_at = at;
    p.processed_at = at;
    p.updated_at = at;
    change(p);
  });
}

describe("scheduling", () => {
  it("schedules one pre-delivery invitation an hour after the order, whatever arrives twice", async () => {
    const shop = uniqueShop();
    const order = placed(10 * 60_000);
    await send("orders/create", order, shop);
    await send("orders/create", order, shop);
    const [inv, ...rest] = await invitations(shop);
    expect(rest).toHaveLength(0);
    expect(inv).toMatchObject({ stage: "PRE_DELIVERY", status: "SCHEDULED", email: "jon@example.com", locale: "en" });
    expect(inv!.sendAt.getTime()).toBe(new Date(order.created_at).getTime() + HOUR);
    expect(inv!.expiresAt.getTime() - inv!.sendAt.getTime()).toBe(30 * DAY);
  });

  it("gives Shopify's documented example (a cancelled test order) no invitation", async () => {
    const shop = uniqueShop();
    await send("orders/create", examplePayload("orders/create"), shop);
    expect(await invitations(shop)).toHaveLength(0);
  });

  it("skips test orders unless the merchant opted in", async () => {
    const shop = uniqueShop();
    await send(
      "orders/create",
      placed(0, (p) => (p.test = true)),
      shop,
    );
    expect(await invitations(shop)).toHaveLength(0);
    await prisma.shop.update({ where: { domain: shop }, data: { settings: { includeTestOrders: true } } });
    await send(
      "orders/create",
      placed(0, (p) => (p.test = true)),
      shop,
    );
    expect(await invitations(shop)).toHaveLength(1);
  });

  it("cancels pending invitations when the order is cancelled", async () => {
    const shop = uniqueShop();
    const order = placed(HOUR);
    await send("orders/create", order, shop);
    const cancelled = { ...order, updated_at: new Date().toISOString(), cancelled_at: new Date().toISOString() };
    await send("orders/cancelled", cancelled, shop);
    expect((await invitations(shop)).map((i) => i.status)).toEqual(["CANCELLED"]);
  });

  it("schedules the post-delivery survey 3 days after fulfilment, then 1 day after a carrier's delivery", async () => {
    const shop = uniqueShop();
    const order = placed(2 * DAY);
    await send("orders/create", order, shop);
    const fulfilledAt = new Date(Date.now() - DAY);
    const fulfilled = {
      ...order,
      updated_at: fulfilledAt.toISOString(),
      fulfillment_status: "fulfilled",
      fulfillments: [{ created_at: fulfilledAt.toISOString(), status: "success" }],
    };
    await send("orders/fulfilled", fulfilled, shop);
    let post = (await invitations(shop)).find((i) => i.stage === "POST_DELIVERY")!;
    expect(post.sendAt.getTime()).toBe(fulfilledAt.getTime() + 3 * DAY);

    const deliveredAt = new Date(Date.now() - 2 * HOUR);
    const event = {
      ...examplePayload("fulfillment_events/create"),
      order_id: order.id,
      status: "delivered",
      happened_at: deliveredAt.toISOString(),
    };
    const res = await callAction(fulfillmentEvent, webhookRequest("fulfillment_events/create", event, { shop }));
    expect(res.status).toBe(200);
    post = (await invitations(shop)).find((i) => i.stage === "POST_DELIVERY")!;
    expect(post.sendAt.getTime()).toBe(deliveredAt.getTime() + DAY);
  });

  it("does not ask a customer again at the same stage within 30 days", async () => {
    const shop = uniqueShop();
    const customer = (p: Payload) => {
      p.customer.id = 777;
      p.customer.admin_graphql_api_id = "gid://shopify/Customer/777";
    };
    await send("orders/create", placed(40 * DAY, customer), shop);
    await send("orders/create", placed(10 * DAY, customer), shop);
    await send("orders/create", placed(HOUR, customer), shop);
    expect((await invitations(shop)).map((i) => i.status)).toEqual(["SCHEDULED", "SCHEDULED", "SUPPRESSED"]);
  });

  it("still invites an order without an email, for the on-site channels", async () => {
    const shop = uniqueShop();
    await send(
      "orders/create",
      placed(2 * HOUR, (p) => {
        p.email = null;
        p.contact_email = null;
        p.customer = null;
      }),
      shop,
    );
    const [inv] = await invitations(shop);
    expect(inv).toMatchObject({ status: "SCHEDULED", email: null });
  });
});

describe("email", () => {
  let smtp: SmtpSink;
  let mailer: Mailer;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    mailer = smtpMailer(smtp.url);
  });
  afterAll(() => smtp.close());

  const mailsTo = (shop: string) => smtp.messages.filter((m) => m.messageId?.endsWith(`@${shop}>`));

  it("sends one localised email with eleven one-click score links and an unsubscribe header", async () => {
    const shop = uniqueShop();
    await send(
      "orders/create",
      placed(2 * HOUR, (p) => (p.customer_locale = "fr-CA")),
      shop,
    );
    expect((await dispatchDueInvitations({ mailer, shop })).sent).toBe(1);
    expect((await dispatchDueInvitations({ mailer, shop })).sent).toBe(0);

    const [mail, ...more] = mailsTo(shop);
    expect(more).toHaveLength(0);
    expect(mail!.to).toMatchObject({ text: "jon@example.com" });
    expect(mail!.subject).toBe(`Comment s'est passée votre commande chez ${shop.split(".")[0]} ?`);
    const links = [...String(mail!.html).matchAll(/href="(https:\/\/[^"]+)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, "&"),
    );
    const scoreLinks = links.filter((l) => l.includes("?score="));
    expect(scoreLinks).toHaveLength(11);
    const token = new URL(scoreLinks[0]!).pathname.split("/").at(-1)!;
    expect(scoreLinks.map((l) => new URL(l).searchParams.get("score"))).toEqual(
      Array.from({ length: 11 }, (_, i) => String(i)),
    );
    expect(scoreLinks.every((l) => l.startsWith(`https://${shop}/apps/nps/s/${token}?score=`))).toBe(true);
    expect(token.length).toBeGreaterThanOrEqual(22);
    expect(mail!.text).toContain(`https://${shop}/apps/nps/s/${token}?score=10`);
    const header = (key: string) => mail!.headerLines.find((h) => h.key === key)?.line.replace(/\s+/g, " ");
    expect(header("list-unsubscribe")).toBe(`List-Unsubscribe: <https://${shop}/apps/nps/unsubscribe/${token}>`);
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");

    const [inv] = await invitations(shop);
    expect(inv).toMatchObject({ status: "SENT", channel: "EMAIL", attempts: 1, tokenHash: hashToken(token) });
  });

  it("never emails a shopper who unsubscribed", async () => {
    const shop = uniqueShop();
    await send("orders/create", placed(2 * HOUR), shop);
    await prisma.emailSuppression.create({ data: { shop, email: "JON@example.com" } });
    await dispatchDueInvitations({ mailer, shop });
    expect(mailsTo(shop)).toHaveLength(0);
    expect((await invitations(shop))[0]!.status).toBe("SCHEDULED");
  });

  it("does not send before the send time", async () => {
    const shop = uniqueShop();
    await send("orders/create", placed(10 * 60_000), shop);
    await dispatchDueInvitations({ mailer, shop });
    expect(mailsTo(shop)).toHaveLength(0);
    await dispatchDueInvitations({ mailer, now: new Date(Date.now() + HOUR), shop });
    expect(mailsTo(shop)).toHaveLength(1);
  });

  it("retries when the server refuses the recipient, and sends once when it accepts", async () => {
    const shop = uniqueShop();
    await send("orders/create", placed(2 * HOUR), shop);
    smtp.refuseRecipients(true);
    try {
      expect((await dispatchDueInvitations({ mailer, shop })).failed).toBe(1);
    } finally {
      smtp.refuseRecipients(false);
    }
    let [inv] = await invitations(shop);
    expect(inv).toMatchObject({ status: "SCHEDULED", attempts: 1 });
    expect(inv!.lastError).toContain("Mailbox temporarily unavailable");
    await dispatchDueInvitations({ mailer, shop });
    await dispatchDueInvitations({ mailer, shop });
    expect(mailsTo(shop)).toHaveLength(1);
    [inv] = await invitations(shop);
    expect(inv).toMatchObject({ status: "SENT", attempts: 2 });
  });

  it("never sends twice when the process stops between sending and recording it", async () => {
    const shop = uniqueShop();
    await send("orders/create", placed(2 * HOUR), shop);
    // The message reaches the server, then the sender dies before it can say so.
    const dying: Mailer = {
      target: "dying",
      send: async (message) => {
        await mailer.send(message);
        throw new Error("process stopped");
      },
    };
    await dispatchDueInvitations({ mailer: dying, shop });
    expect((await invitations(shop))[0]!.status).toBe("SENDING");
    await dispatchDueInvitations({ mailer, shop });
    await dispatchDueInvitations({ mailer, now: new Date(Date.now() + HOUR), shop });
    expect(mailsTo(shop)).toHaveLength(1);

    expect(await recoverStuckSends(new Date(Date.now() + STUCK_SEND_MS + 60_000), shop)).toBe(1);
    const [inv] = await invitations(shop);
    expect(inv).toMatchObject({ status: "SENT", channel: "EMAIL" });
    await dispatchDueInvitations({ mailer, shop });
    expect(mailsTo(shop)).toHaveLength(1);
  });

  it("closes invitations when they expire", async () => {
    const shop = uniqueShop();
    await send("orders/create", placed(2 * HOUR), shop);
    await expireInvitations(new Date(Date.now() + 31 * DAY), shop);
    expect((await invitations(shop))[0]!.status).toBe("EXPIRED");
    await dispatchDueInvitations({ mailer, now: new Date(Date.now() + 31 * DAY), shop });
    expect(mailsTo(shop)).toHaveLength(0);
  });
});

describe("outbox", () => {
  it("writes each message as an .eml file when no SMTP server is configured", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "nps-outbox-"));
    try {
      const shop = uniqueShop();
      await send("orders/create", placed(2 * HOUR), shop);
      await dispatchDueInvitations({ mailer: outboxMailer(dir), shop });
      const files = readdirSync(dir).filter((f) => f.endsWith(".eml"));
      expect(files.length).toBeGreaterThanOrEqual(1);
      const eml = files.map((f) => readFileSync(path.join(dir, f), "utf8")).find((t) => t.includes(`@${shop}>`))!;
      expect(eml).toMatch(/^List-Unsubscribe:\s+<https:\/\//m);
      expect(eml).toContain("Content-Type: text/html");
      expect(eml).toContain("Content-Type: text/plain");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an answer on any channel", () => {
  it("withdraws the email that was still to be sent", async () => {
    const { recordAnswer } = await import("./answers.server");
    const smtp = await startSmtpSink();
    try {
      const shop = uniqueShop();
      await send("orders/create", placed(10 * 60_000), shop);
      const [inv] = await invitations(shop);
      await recordAnswer({ invitationId: inv!.id, score: 8, channel: "THANK_YOU", locale: "en" });
      await dispatchDueInvitations({ mailer: smtpMailer(smtp.url), now: new Date(Date.now() + 2 * HOUR), shop });
      expect(smtp.messages).toHaveLength(0);
      expect((await invitations(shop))[0]).toMatchObject({ status: "ANSWERED", channel: "THANK_YOU" });
    } finally {
      await smtp.close();
    }
  });
});
