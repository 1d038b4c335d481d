import { describe, expect, it } from "vitest";
import { orderPayload } from "../../test/orders";
import { callAction, uniqueShop, webhookRequest } from "../../test/shopify";
import prisma from "../db.server";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { recordAnswer } from "./answers.server";

const day = (d: Date) => d.toISOString().slice(0, 10);

/** A shop in `timezone` whose order's survey was sent, and answered, at `at`. */
async function answeredAt(timezone: string, at: Date) {
  const shop = uniqueShop();
  const order = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = new Date(at.getTime() - 3_600_000).toISOString();
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  await prisma.shop.update({ where: { domain: shop }, data: { timezone } });
  const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
  await prisma.surveyInvitation.update({
    where: { id: invitation.id },
    data: { sendAt: at, sentAt: at, status: "SENT" },
  });
  const saved = await recordAnswer({ invitationId: invitation.id, score: 9, channel: "EMAIL", locale: "en", now: at });
  expect(saved.closed).toBe(false);
  return shop;
}

const facts = async (shop: string) => ({
  answered: day((await prisma.response.findFirstOrThrow({ where: { shop } })).answeredDay!),
  sent: (await prisma.surveyDay.findMany({ where: { shop, sent: { gt: 0 } } })).map((d) => day(d.day)),
  rollup: (await prisma.answerDay.findMany({ where: { shop, promoters: { gt: 0 } } })).map((d) => day(d.day)),
});

describe("days in the shop's time zone", () => {
  // Yesterday, close to midnight UTC on either side.
  const base = new Date();
  base.setUTCDate(base.getUTCDate() - 1);
  const lateUtc = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), 23, 30));
  const earlyUtc = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth(), base.getUTCDate(), 2, 0));
  const next = (d: Date) => day(new Date(d.getTime() + 86_400_000));
  const previous = (d: Date) => day(new Date(d.getTime() - 86_400_000));

  it("counts an answer and its survey on the local day east of UTC (23:30 UTC is 00:30 in Amsterdam)", async () => {
    const shop = await answeredAt("Europe/Amsterdam", lateUtc);
    expect(await facts(shop)).toEqual({ answered: next(lateUtc), sent: [next(lateUtc)], rollup: [next(lateUtc)] });
  });

  it("counts them on the local day west of UTC (02:00 UTC is the evening before in New York)", async () => {
    const shop = await answeredAt("America/New_York", earlyUtc);
    expect(await facts(shop)).toEqual({
      answered: previous(earlyUtc),
      sent: [previous(earlyUtc)],
      rollup: [previous(earlyUtc)],
    });
  });

  it("counts everything again when the shop moves to another time zone", async () => {
    const shop = await answeredAt("Europe/Amsterdam", lateUtc);
    await prisma.shop.update({ where: { domain: shop }, data: { timezone: "America/New_York" } });
    expect(await facts(shop)).toEqual({ answered: day(lateUtc), sent: [day(lateUtc)], rollup: [day(lateUtc)] });
  });
});
