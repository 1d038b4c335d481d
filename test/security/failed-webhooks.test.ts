import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../app/control/commands.server";
import prisma from "../../app/db.server";
import { uniqueShop } from "../shopify";

async function failedDelivery(shop: string) {
  return prisma.webhookDelivery.create({
    data: {
      shop,
      webhookId: randomUUID(),
      topic: "orders/create",
      body: '{"id": 1}',
      status: "FAILED",
      attempts: 5,
      lastError: "Invalid orders/create payload",
    },
  });
}

describe("failed webhook deliveries, for the operator", () => {
  it("are listed with their count, retried, or purged of their bodies, one shop at a time", async () => {
    const shop = uniqueShop();
    const other = uniqueShop();
    const delivery = await failedDelivery(shop);
    const untouched = await failedDelivery(other);

    const listed = await runCommand("webhooks", { shop });
    expect(listed).toMatchObject({
      ok: true,
      result: { count: 1, deliveries: [{ id: String(delivery.id), topic: "orders/create", hasBody: true }] },
    });

    expect(await runCommand("webhooks", { shop, retry: "failed" })).toMatchObject({
      ok: true,
      result: { retried: 1, count: 0 },
    });
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({
      status: "RECEIVED",
      attempts: 0,
    });

    await prisma.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "FAILED" } });
    expect(await runCommand("webhooks", { shop, purge: "failed" })).toMatchObject({
      ok: true,
      result: { purged: 1, count: 1, deliveries: [{ hasBody: false }] },
    });
    // A purged delivery cannot come back.
    expect(await runCommand("webhooks", { shop, retry: "failed" })).toMatchObject({ result: { retried: 0 } });
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: untouched.id } })).toMatchObject({
      status: "FAILED",
      body: '{"id": 1}',
    });
  });

  it("refuses contradictory or unknown options and changes nothing", async () => {
    const shop = uniqueShop();
    const delivery = await failedDelivery(shop);
    for (const args of [{ shop, retry: "failed", purge: "failed" }, { shop, retry: "all" }, { shop: "not a shop" }]) {
      expect(await runCommand("webhooks", args)).toMatchObject({ ok: false });
    }
    expect(await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({
      status: "FAILED",
      body: '{"id": 1}',
    });
  });
});
