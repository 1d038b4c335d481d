import { createServer, type Server } from "node:http";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAdmin, type RecordedCall } from "../../test/admin-schema";
import { orderPayload, type Payload } from "../../test/orders";
import { callAction, uniqueShop, webhookRequest } from "../../test/shopify";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import prisma from "../db.server";
import { smtpMailer } from "../email/mailer.server";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { createAlertRule } from "./alert-rules.server";
import { type ActionDeps, FLOW_TRIGGER_HANDLE, runDueActions } from "./answer-actions.server";
import { recordAnswer } from "./answers.server";
import { listQueue, loadWinBack, refreshCaseOutcomes, updateCases } from "./cases.server";
import { computeRfm } from "./rfm.server";

const HOSTILE = `<script>alert("x")</script> & <b>never again</b>`;

/** A local endpoint standing in for Slack's incoming webhooks: records bodies, answers as told. */
async function startSlack(status = () => 200) {
  const received: Array<{ text: string }> = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      received.push(JSON.parse(body) as { text: string });
      res.writeHead(status()).end(status() === 200 ? "ok" : "no_service");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/xyz`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Shopify's Admin API, faked: validates every document against the schema, throttles once. */
function throttlingAdmin() {
  const fake = fakeAdmin((call: RecordedCall) => {
    const name = /mutation (\w+)/.exec(call.query)?.[1];
    switch (name) {
      case "NpsTagsAdd":
        return { tagsAdd: { userErrors: [] } };
      case "NpsTagsRemove":
        return { tagsRemove: { userErrors: [] } };
      case "NpsLastAnswer":
        return { metafieldsSet: { metafields: [{ id: "gid://shopify/Metafield/1" }], userErrors: [] } };
      case "NpsFlowTrigger":
        return { flowTriggerReceive: { userErrors: [] } };
      default:
        throw new Error(`unexpected document ${name}`);
    }
  });
  let throttled = 0;
  const waits: number[] = [];
  const graphql: ActionDeps["adminFor"] extends (s: string) => Promise<infer G> ? NonNullable<G> : never = async (
    query,
    options,
  ) => {
    if (throttled === 0 && query.includes("NpsTagsAdd")) {
      throttled++;
      // Shopify's answer when the bucket is empty: 200 with a THROTTLED error and the cost.
      return Response.json({
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }],
        extensions: {
          cost: {
            requestedQueryCost: 10,
            actualQueryCost: null,
            throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 4, restoreRate: 100 },
          },
        },
      });
    }
    return fake.graphql(query, options);
  };
  return { graphql, calls: fake.calls, waits };
}

function customerOrder(customerId: bigint, ago: number, change: (p: Payload) => void = () => {}) {
  return orderPayload((p) => {
    const at = new Date(Date.now() - ago).toISOString();
    p.created_at = at;
    p.processed_at = at;
    p.updated_at = at;
    p.customer.id = customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customerId}`;
    p.customer.email = "ana@example.com";
    p.email = "ana@example.com";
    change(p);
  });
}

async function send(shop: string, body: Payload) {
  const res = await callAction(ordersCreate, webhookRequest("orders/create", body, { shop }));
  expect(res.status, await res.clone().text()).toBe(200);
}

describe("closing the loop on a detractor", () => {
  let smtp: SmtpSink;
  let slack: Awaited<ReturnType<typeof startSlack>>;
  beforeAll(async () => {
    smtp = await startSmtpSink();
    slack = await startSlack();
  });
  afterAll(async () => {
    await smtp.close();
    await slack.close();
  });

  it("goes from webhook to answer, case, alerts, tags, Flow, resolution and a win back", async () => {
    const shop = uniqueShop();
    const customerId = 7_001_234_567_890n;
    const first = customerOrder(customerId, 3 * 86_400_000);
    await send(shop, first);
    await createAlertRule(shop, {
      name: "Furious",
      scoreMin: 0,
      scoreMax: 6,
      stage: null,
      segments: [],
      urgent: true,
      emails: ["care@shop.example"],
      slackWebhookUrl: slack.url,
    });
    await computeRfm(shop, new Date().toISOString().slice(0, 10));
    const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop, stage: "PRE_DELIVERY" } });

    // The shopper answers 2 with a comment that is also an attack.
    const answered = await recordAnswer({
      invitationId: invitation.id,
      score: 2,
      comment: HOSTILE,
      channel: "EMAIL",
      locale: "en",
    });
    expect(answered).toMatchObject({ closed: false, category: "DETRACTOR" });
    const caseId = (answered as { caseId: number }).caseId;
    const opened = await prisma.followUpCase.findUniqueOrThrow({ where: { id: caseId }, include: { response: true } });
    expect(opened.status).toBe("NEW");
    // The shop's only customer ranks top of every RFM score: a Champion's detractor, due in 4 hours.
    expect(await prisma.customer.findFirstOrThrow({ where: { shop } })).toMatchObject({ segment: "CHAMPIONS" });
    expect(opened.dueAt!.getTime() - opened.response.answeredAt.getTime()).toBe(4 * 3_600_000);

    // The queue lists it first, with its urgency and value.
    const queue = await listQueue(shop, {}, { category: "DETRACTOR" });
    expect(queue.rows[0]).toMatchObject({ caseId, score: 2, comment: HOSTILE, status: "NEW", overdue: false });

    // Alerts, tags and Flow go out through real SMTP, a real HTTP endpoint and the fake Admin API.
    const admin = throttlingAdmin();
    const deps: ActionDeps = {
      adminFor: async () => admin.graphql,
      mailer: () => smtpMailer(smtp.url),
      appUrl: "https://nps-app.example.test",
      wait: async (ms) => admin.waits.push(ms),
    };
    expect(await runDueActions(deps, { shop })).toEqual({ done: 4, failed: 0, retrying: 0, skipped: 0 });

    const email = smtp.messages.find((m) => m.subject?.includes("scored 2"))!;
    expect(email.to).toMatchObject({ text: "care@shop.example" });
    expect(email.html).toContain(
      "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;never again&lt;/b&gt;",
    );
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain(`/app/cases/${caseId}`);
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0]!.text).toContain(
      '&lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;never again&lt;/b&gt;',
    );
    expect(slack.received[0]!.text).not.toContain("<script>");

    // Throttled once: waited for the bucket to refill (10 − 4) / 100 s, then went on.
    expect(admin.waits).toEqual([200]);
    const byName = (name: string) => admin.calls.filter((c) => c.query.includes(`mutation ${name}`));
    const gid = `gid://shopify/Customer/${customerId}`;
    expect(byName("NpsTagsAdd").map((c) => c.variables)).toEqual([{ id: gid, tags: ["nps-detractor"] }]);
    expect(byName("NpsTagsRemove").map((c) => c.variables)).toEqual([
      { id: gid, tags: ["nps-promoter", "nps-passive"] },
    ]);
    const metafield = byName("NpsLastAnswer")[0]!.variables as { metafields: Array<Record<string, string>> };
    expect(metafield.metafields[0]).toMatchObject({
      ownerId: gid,
      namespace: "$app:nps",
      key: "last_answer",
      type: "json",
    });
    expect(JSON.parse(metafield.metafields[0]!.value!)).toMatchObject({
      score: 2,
      category: "detractor",
      stage: "pre_delivery",
    });
    const flow = byName("NpsFlowTrigger")[0]!.variables as { handle: string; payload: Record<string, unknown> };
    expect(flow.handle).toBe(FLOW_TRIGGER_HANDLE);
    expect(flow.payload).toEqual({
      customer_id: Number(customerId),
      order_id: Number(first.id),
      score: 2,
      category: "detractor",
      stage: "before delivery",
      segment: "champions",
    });
    // The payload carries exactly the fields the trigger extension declares.
    const extension = parseToml(
      readFileSync(
        path.resolve(import.meta.dirname, "../../extensions/nps-flow-trigger/shopify.extension.toml"),
        "utf8",
      ),
    ) as { extensions: Array<{ handle: string }>; settings: { fields: Array<{ type: string; key?: string }> } };
    expect(extension.extensions[0]!.handle).toBe(FLOW_TRIGGER_HANDLE);
    const declared = extension.settings.fields.map((f) => f.key ?? f.type.replace(/_reference$/, "_id"));
    expect(Object.keys(flow.payload).sort()).toEqual([...declared].sort());

    // Nothing is sent twice.
    expect(await runDueActions(deps, { shop })).toEqual({ done: 0, failed: 0, retrying: 0, skipped: 0 });

    // A second answer for the same order and stage updates the case, and alerts no one again.
    await recordAnswer({ invitationId: invitation.id, score: 4, channel: "THANK_YOU", locale: "en" });
    expect(await prisma.followUpCase.count({ where: { shop } })).toBe(1);
    const history = await prisma.caseEvent.findMany({ where: { caseId } });
    expect(history.map((e) => [e.field, e.fromValue, e.toValue])).toEqual([["score", "2", "4"]]);
    const again = await runDueActions(deps, { shop });
    expect(again.done).toBe(1); // the tags follow the latest score
    expect(byName("NpsTagsAdd").at(-1)!.variables).toEqual({ id: gid, tags: ["nps-detractor"] });
    expect(slack.received).toHaveLength(1);

    // The merchant resolves it; the customer orders again a few days later: won back.
    await updateCases(shop, [caseId], "Staff 42", { status: "CONTACTED", assignee: "Mia" });
    await updateCases(shop, [caseId], "Staff 42", { status: "RESOLVED" });
    const resolved = await prisma.followUpCase.findUniqueOrThrow({ where: { id: caseId } });
    expect(resolved.resolvedAt).not.toBeNull();
    await refreshCaseOutcomes(shop);
    expect((await loadWinBack(shop)).overall).toMatchObject({ n: 0 });
    await send(shop, customerOrder(customerId, -60_000));
    expect(await refreshCaseOutcomes(shop)).toBe(1);
    const winBack = await loadWinBack(shop);
    expect(winBack.overall).toMatchObject({ n: 1, successes: 1, rate: 1 });
    expect(winBack.byAssignee).toEqual([expect.objectContaining({ key: "Mia", n: 1, successes: 1 })]);
    const events = await prisma.caseEvent.findMany({ where: { caseId }, orderBy: { id: "asc" } });
    expect(events.map((e) => `${e.actor}:${e.field}:${e.toValue}`)).toEqual([
      "shopper:score:4",
      "Staff 42:status:CONTACTED",
      "Staff 42:assignee:Mia",
      "Staff 42:status:RESOLVED",
    ]);
  });

  it("retries a failed alert with backoff, then marks it failed for the admin to see", async () => {
    const shop = uniqueShop();
    const down = await startSlack(() => 503);
    try {
      await send(shop, customerOrder(7_001_234_567_891n, 86_400_000));
      await createAlertRule(shop, {
        name: "Slack only",
        scoreMin: 0,
        scoreMax: 10,
        stage: null,
        segments: [],
        urgent: true,
        emails: [],
        slackWebhookUrl: down.url,
      });
      await prisma.shop.update({ where: { domain: shop }, data: { settings: { tagCustomers: false } } });
      const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
      await recordAnswer({ invitationId: invitation.id, score: 9, channel: "EMAIL", locale: "en" });
      const deps: ActionDeps = {
        adminFor: async () => null,
        mailer: () => smtpMailer(smtp.url),
        appUrl: "https://x.test",
      };
      // The Flow trigger has no Admin API here: skipped, with the reason kept.
      expect(await runDueActions(deps, { shop })).toEqual({ done: 0, failed: 0, retrying: 1, skipped: 1 });
      const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);
      expect(await runDueActions(deps, { shop, now: later(0.5) })).toMatchObject({ retrying: 0 });
      for (const minutes of [2, 10, 60, 300]) await runDueActions(deps, { shop, now: later(minutes) });
      const action = await prisma.answerAction.findFirstOrThrow({ where: { shop, kind: "ALERT_SLACK" } });
      expect(action).toMatchObject({ status: "FAILED", attempts: 5 });
      expect(action.lastError).toContain("Slack answered 503");
      expect(down.received).toHaveLength(5);
      const skipped = await prisma.answerAction.findFirstOrThrow({ where: { shop, kind: "FLOW_TRIGGER" } });
      expect(skipped).toMatchObject({ status: "SKIPPED" });
      expect(skipped.lastError).toContain("no Admin API access");
    } finally {
      await down.close();
    }
  });

  it("collects a rule's non-urgent answers into one digest at 08:00 in the shop's time zone", async () => {
    const shop = uniqueShop();
    await send(shop, customerOrder(7_001_234_567_892n, 2 * 86_400_000));
    await send(shop, customerOrder(7_001_234_567_893n, 86_400_000));
    await prisma.shop.update({ where: { domain: shop }, data: { timezone: "Asia/Tokyo" } });
    await createAlertRule(shop, {
      name: "Daily detractors",
      scoreMin: 0,
      scoreMax: 6,
      stage: null,
      segments: [],
      urgent: false,
      emails: ["digest@shop.example"],
      slackWebhookUrl: null,
    });
    const invitations = await prisma.surveyInvitation.findMany({ where: { shop }, orderBy: { id: "asc" } });
    for (const [i, inv] of invitations.entries()) {
      await recordAnswer({ invitationId: inv.id, score: i, comment: `Comment ${i}`, channel: "EMAIL", locale: "en" });
    }
    const digests = await prisma.answerAction.findMany({ where: { shop, kind: "ALERT_EMAIL" } });
    expect(digests).toHaveLength(2);
    const due = digests[0]!.nextAttemptAt;
    expect(digests.every((d) => d.digest && d.nextAttemptAt.getTime() === due.getTime())).toBe(true);
    expect(
      new Intl.DateTimeFormat("en", { timeZone: "Asia/Tokyo", hour: "numeric", hourCycle: "h23" }).format(due),
    ).toBe("08");
    expect(due.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000);
    const deps: ActionDeps = {
      adminFor: async () => null,
      mailer: () => smtpMailer(smtp.url),
      appUrl: "https://x.test",
    };
    const before = smtp.messages.length;
    await runDueActions(deps, { shop });
    expect(smtp.messages.length).toBe(before);
    expect(await runDueActions(deps, { shop, now: new Date(due.getTime() + 1000) })).toMatchObject({ done: 2 });
    const digest = smtp.messages.slice(before);
    expect(digest).toHaveLength(1);
    expect(digest[0]!.subject).toContain("2 answers for “Daily detractors”");
    expect(digest[0]!.text).toContain("Comment 0");
    expect(digest[0]!.text).toContain("Comment 1");
  });
});
