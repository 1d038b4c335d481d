import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderPayload } from "../../test/orders";
import { callAction, uniqueShop, webhookRequest } from "../../test/shopify";
import prisma from "../db.server";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { type ActionDeps, runDueActions } from "./answer-actions.server";
import { recordAnswer } from "./answers.server";
import { updateCases } from "./cases.server";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  setWebhookEndpointEnabled,
  TooManyEndpointsError,
  WebhookEndpointSchema,
} from "./webhooks.server";
import { MAX_ENDPOINTS } from "../domain/webhooks";

/** A merchant's endpoint: keeps each request's headers and raw body, answers as told. */
async function startEndpoint() {
  const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
  let answer = 200;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (d: Buffer) => chunks.push(d));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/nps-events`,
    received,
    answerWith: (status: number) => (answer = status),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The verification docs/webhooks.md gives merchants, as they would write it. */
function verify(rawBody: string, header: string | undefined, secret: string): boolean {
  const expected = createHmac("sha256", secret).update(rawBody, "utf8").digest();
  const given = Buffer.from(header ?? "", "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const deps: ActionDeps = {
  adminFor: async () => null,
  mailer: () => {
    throw new Error("no email in this test");
  },
  appUrl: "https://x.test",
};

async function shopWithOrder() {
  const shop = uniqueShop();
  const payload = orderPayload((p) => {
    // A recent order: its survey is open.
    const at = new Date(Date.now() - 86_400_000).toISOString();
    [p.created_at, p.processed_at, p.updated_at] = [at, at, at];
    p.email = "ana@example.com";
    p.customer.email = "ana@example.com";
  });
  const res = await callAction(ordersCreate, webhookRequest("orders/create", payload, { shop }));
  expect(res.status).toBe(200);
  await prisma.shop.update({ where: { domain: shop }, data: { settings: { tagCustomers: false } } });
  return shop;
}

describe("signed webhooks out", () => {
  let endpoint: Awaited<ReturnType<typeof startEndpoint>>;
  beforeAll(async () => {
    endpoint = await startEndpoint();
  });
  afterAll(async () => endpoint.close());

  it("sends answers and case changes, signed, once each and in order, retrying with the same bytes", async () => {
    const shop = await shopWithOrder();
    const all = await createWebhookEndpoint(shop, {
      url: endpoint.url,
      topics: ["answer.created", "answer.updated", "case.status_changed"],
    });
    const casesOnly = await createWebhookEndpoint(shop, {
      url: `${endpoint.url}?cases`,
      topics: ["case.status_changed"],
    });
    const secrets = new Map((await listWebhookEndpoints(shop)).map((e) => [e.id, e.secret]));

    const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    const first = await recordAnswer({
      invitationId: invitation.id,
      score: 3,
      comment: "Box crushed",
      channel: "EMAIL",
      locale: "en",
    });
    expect(first.closed).toBe(false);
    await recordAnswer({ invitationId: invitation.id, score: 4, channel: "EMAIL", locale: "en" });
    const kase = await prisma.followUpCase.findFirstOrThrow({ where: { shop } });
    expect(await updateCases(shop, [kase.id], "care@shop.example", { status: "CONTACTED" })).toBe(1);

    // The endpoint is down for the first try: the same event, byte for byte, goes again later.
    endpoint.answerWith(500);
    const before = endpoint.received.length;
    await runDueActions(deps, { shop });
    const failedTry = endpoint.received.slice(before);
    expect(failedTry).toHaveLength(4);
    endpoint.answerWith(200);
    await runDueActions(deps, { shop, now: new Date(Date.now() + 2 * 60_000) });
    const sent = endpoint.received.slice(before + 4);
    expect(sent.map((r) => r.body)).toEqual(failedTry.map((r) => r.body));

    interface Event {
      id: string;
      topic: string;
      shop: string;
      data: Record<string, Record<string, unknown> | null>;
    }
    const events = sent.map((r) => ({ ...r, json: JSON.parse(r.body) as Event }));
    const signature = (e: (typeof events)[number]) => e.headers["x-nps-hmac-sha256"] as string;
    const to = (id: number, path: string) =>
      events.filter((e) => e.path === path && verify(e.body, signature(e), secrets.get(id)!));
    expect(to(all, "/nps-events").map((e) => e.json.topic)).toEqual([
      "answer.created",
      "answer.updated",
      "case.status_changed",
    ]);
    expect(to(casesOnly, "/nps-events?cases").map((e) => e.json.topic)).toEqual(["case.status_changed"]);
    // Each endpoint's requests verify with its own secret only.
    expect(to(casesOnly, "/nps-events")).toHaveLength(0);
    for (const e of events) {
      expect(e.headers["x-nps-event-id"]).toBe(e.json.id);
      expect(e.headers["x-nps-topic"]).toBe(e.json.topic);
      expect(e.headers["x-nps-shop-domain"]).toBe(shop);
      expect(e.headers["content-type"]).toBe("application/json");
    }
    const created = events.find((e) => e.json.topic === "answer.created")!.json;
    expect(created.data.answer).toMatchObject({
      score: 3,
      category: "detractor",
      comment: "Box crushed",
      channel: "email",
    });
    expect(created.data.customer).toMatchObject({ email: "ana@example.com" });
    expect(created.data.order!.id).toMatch(/^gid:\/\/shopify\/Order\/\d+$/);
    const change = events.find(
      (e) =>
        e.json.topic === "case.status_changed" &&
        verify(e.body, e.headers["x-nps-hmac-sha256"] as string, secrets.get(all)!),
    )!.json;
    expect(change.data.change).toEqual({ case_id: kase.id, from: "new", to: "contacted", actor: "care@shop.example" });
    expect(change.data.case).toEqual({ id: kase.id, status: "contacted" });
    // A signature over other bytes does not verify.
    expect(verify(`${events[0]!.body} `, signature(events[0]!), secrets.get(all)!)).toBe(false);

    // Nothing is sent twice: every delivery is done, after two tries each.
    const deliveries = await listWebhookDeliveries(shop);
    expect(deliveries).toHaveLength(4);
    expect(deliveries.every((d) => d.status === "DONE" && d.attempts === 2 && d.lastError === null)).toBe(true);
    expect(await runDueActions(deps, { shop, now: new Date(Date.now() + 86_400_000) })).toMatchObject({ done: 0 });
    // Sent events keep their id and topic only, not the answer and customer they carried.
    const kept = await prisma.answerAction.findMany({ where: { shop, kind: "WEBHOOK" }, select: { payload: true } });
    expect(kept.map((k) => Object.keys(k.payload as object).sort())).toEqual(Array(4).fill(["id", "topic"]));

    // Once the customer is erased, nothing more goes out about their answers.
    await prisma.customer.updateMany({ where: { shop }, data: { redactedAt: new Date() } });
    expect(await updateCases(shop, [kase.id], "care@shop.example", { status: "RESOLVED" })).toBe(1);
    expect(await prisma.answerAction.count({ where: { shop, kind: "WEBHOOK" } })).toBe(4);
  });

  it("refuses URLs that are not public https, unknown events, other shops' endpoints and more than the limit", async () => {
    for (const url of [
      "https://10.0.0.1/x",
      "http://example.com/x",
      "ftp://example.com/x",
      "https://user:pw@example.com/x",
      "not a url",
      "",
    ]) {
      expect(WebhookEndpointSchema.safeParse({ url, topics: ["answer.created"] }).success, url).toBe(false);
    }
    expect(WebhookEndpointSchema.safeParse({ url: "https://example.com/x", topics: [] }).success).toBe(false);
    expect(WebhookEndpointSchema.safeParse({ url: "https://example.com/x", topics: ["order.paid"] }).success).toBe(
      false,
    );
    expect(
      WebhookEndpointSchema.parse({
        url: " https://example.com/x ",
        topics: ["answer.updated", "answer.created", "answer.created"],
      }),
    ).toEqual({
      url: "https://example.com/x",
      topics: ["answer.created", "answer.updated"],
    });

    const shop = await shopWithOrder();
    const other = await shopWithOrder();
    const id = await createWebhookEndpoint(shop, { url: endpoint.url, topics: ["answer.created", "answer.updated"] });
    expect(await deleteWebhookEndpoint(other, id)).toBe(0);
    expect(await setWebhookEndpointEnabled(other, id, false)).toBe(0);
    expect(await listWebhookEndpoints(shop)).toHaveLength(1);
    expect(await listWebhookEndpoints(other)).toHaveLength(0);
    // Stored encrypted: neither the URL nor the secret is readable in the table.
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id } });
    expect(row.url).not.toContain("127.0.0.1");
    expect(row.secret).not.toBe((await listWebhookEndpoints(shop))[0]!.secret);

    for (let i = 1; i < MAX_ENDPOINTS - 1; i++)
      await createWebhookEndpoint(shop, { url: `${endpoint.url}?${i}`, topics: ["answer.created"] });
    // Saves at once cannot pass the limit: of three made together with one place left, one is kept.
    const together = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        createWebhookEndpoint(shop, { url: `${endpoint.url}?together${n}`, topics: ["answer.created"] }),
      ),
    );
    expect(together.filter((t) => t.status === "fulfilled")).toHaveLength(1);
    expect(together.filter((t) => t.status === "rejected" && t.reason instanceof TooManyEndpointsError)).toHaveLength(
      2,
    );
    await expect(createWebhookEndpoint(shop, { url: endpoint.url, topics: ["answer.created"] })).rejects.toThrow(
      TooManyEndpointsError,
    );
    expect(await prisma.webhookEndpoint.count({ where: { shop } })).toBe(MAX_ENDPOINTS);

    // Switched off: nothing is recorded for it; deleted: its undelivered events go with it.
    for (const e of await listWebhookEndpoints(shop)) if (e.id !== id) await deleteWebhookEndpoint(shop, e.id);
    await setWebhookEndpointEnabled(shop, id, false);
    const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    await recordAnswer({ invitationId: invitation.id, score: 10, channel: "EMAIL", locale: "en" });
    expect(await prisma.answerAction.count({ where: { shop, kind: "WEBHOOK" } })).toBe(0);
    await setWebhookEndpointEnabled(shop, id, true);
    await recordAnswer({ invitationId: invitation.id, score: 9, channel: "EMAIL", locale: "en" });
    expect(await prisma.answerAction.count({ where: { shop, kind: "WEBHOOK" } })).toBe(1);
    expect(await deleteWebhookEndpoint(shop, id)).toBe(1);
    expect(await prisma.answerAction.count({ where: { shop, kind: "WEBHOOK" } })).toBe(0);
  });
});
