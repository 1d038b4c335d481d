import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderPayload, type Payload } from "../../test/orders";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import { smtpMailer } from "../email/mailer.server";
import { callAction, uniqueShop, webhookRequest } from "../../test/shopify";
import { runCommand } from "../control/commands.server";
import prisma from "../db.server";
import { DEFAULT_THEME_KEYS } from "../domain/theme-taxonomy";
import { compileThemeClassifier, loadLanguageDetector } from "../domain/themes";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { createAlertRule } from "./alert-rules.server";
import { runDueActions } from "./answer-actions.server";
import { recordAnswer } from "./answers.server";
import { checkThemeSpikes } from "./theme-spikes.server";
import { createWebhookEndpoint, listWebhookEndpoints, signWebhook } from "./webhooks.server";
import { reportNps } from "./analytics.server";
import { listQueue } from "./cases.server";
import { exportCsv } from "./exports.server";
import { loadThemeBreakdowns, loadThemeTrends, reportThemes } from "./theme-analytics.server";
import { classifyPendingComments, listShopThemes, readThemeProgress } from "./themes.server";

async function send(shop: string, topic: string, body: Payload, action = ordersCreate) {
  const res = await callAction(action, webhookRequest(topic, body, { shop }));
  expect(res.status, await res.clone().text()).toBe(200);
}

/** An order with its before-delivery invitation, for a customer of its own. */
async function invitationFor(shop: string, customerId: bigint, vendor?: string) {
  const order = orderPayload((p) => {
    if (vendor) {
      p.line_items = p.line_items.slice(0, 1);
      p.line_items[0].vendor = vendor;
    }
    const now = new Date().toISOString();
    p.created_at = now;
    p.processed_at = now;
    p.updated_at = now;
    p.customer.id = customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customerId}`;
    p.customer.email = `c${customerId}@example.com`;
    p.email = `c${customerId}@example.com`;
  });
  await send(shop, "orders/create", order);
  const order_ = await prisma.order.findFirstOrThrow({ where: { shop, shopifyId: BigInt(order.id) } });
  return prisma.surveyInvitation.findFirstOrThrow({ where: { orderId: order_.id, stage: "PRE_DELIVERY" } });
}

/** A new customer's answer with its comment, dated `daysAgo` days back. */
async function answerDaysAgo(
  shop: string,
  customerId: bigint,
  score: number,
  comment: string,
  daysAgo: number,
  vendor?: string,
) {
  const inv = await invitationFor(shop, customerId, vendor);
  const a = await recordAnswer({ invitationId: inv.id, score, comment, channel: "EMAIL", locale: "en" });
  if (a.closed) throw new Error("the survey was closed");
  await prisma.response.update({
    where: { id: a.responseId },
    data: { answeredAt: new Date(Date.now() - daysAgo * 86_400_000) },
  });
}

// Until no comment anywhere is pending (5 s at most): another test file's classifier may hold
// some of this file's comments for a moment (SKIP LOCKED), and a batch that finds none is not
// the end.
async function classifyAll() {
  for (let waited = 0; waited < 100; waited++) {
    while ((await classifyPendingComments(2)) > 0);
    if ((await prisma.commentClassification.count({ where: { pending: true } })) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const themesOf = async (responseId: number) =>
  (await prisma.responseTheme.findMany({ where: { responseId }, orderBy: { theme: "asc" } })).map((t) => ({
    theme: t.theme,
    words: t.words,
  }));

describe("comment themes in the database", () => {
  it("classifies answers' comments in the background, again when a comment changes, and forgets emptied ones", async () => {
    const shop = uniqueShop("themes");
    const a = await invitationFor(shop, 8_100_000_000_001n);
    const b = await invitationFor(shop, 8_100_000_000_002n);
    const c = await invitationFor(shop, 8_100_000_000_003n);
    const first = await recordAnswer({
      invitationId: a.id,
      score: 3,
      comment: "Le colis est arrivé en retard et la boîte était écrasée",
      channel: "EMAIL",
      locale: "fr",
    });
    const second = await recordAnswer({
      invitationId: b.id,
      score: 10,
      comment: "Top!",
      channel: "EMAIL",
      locale: "de",
    });
    await recordAnswer({ invitationId: c.id, score: 8, comment: null, channel: "EMAIL", locale: "en" });
    if (first.closed || second.closed) throw new Error("a survey was closed");

    expect(await readThemeProgress(shop)).toEqual({ comments: 2, pending: 2 });
    await classifyAll();
    expect(await readThemeProgress(shop)).toEqual({ comments: 2, pending: 0 });
    expect(await themesOf(first.responseId)).toEqual([
      { theme: "damaged", words: ["écrasée"] },
      { theme: "delivery_time", words: ["en retard"] },
      { theme: "packaging", words: ["boîte"] },
    ]);
    expect(await themesOf(second.responseId)).toEqual([]);
    const classified = await prisma.commentClassification.findUniqueOrThrow({
      where: { responseId: first.responseId },
    });
    expect(classified).toMatchObject({ pending: false, language: "fr" });

    // Edited: the old themes go at once, the new comment waits for the worker.
    await recordAnswer({
      invitationId: a.id,
      score: 5,
      comment: "wrong size sent",
      channel: "EMAIL",
      locale: "fr",
    });
    expect(await themesOf(first.responseId)).toEqual([]);
    expect(await readThemeProgress(shop)).toEqual({ comments: 2, pending: 1 });
    await classifyAll();
    expect(await themesOf(first.responseId)).toEqual([{ theme: "wrong_or_missing", words: ["wrong size"] }]);

    // A score changed without touching the comment keeps its themes, which take the new category.
    await recordAnswer({ invitationId: a.id, score: 9, channel: "EMAIL", locale: "fr" });
    expect(await readThemeProgress(shop)).toEqual({ comments: 2, pending: 0 });
    expect(await prisma.responseTheme.findMany({ where: { responseId: first.responseId } })).toMatchObject([
      { theme: "wrong_or_missing", category: "PROMOTER", stage: "PRE_DELIVERY", channel: "EMAIL" },
    ]);

    // Emptied: nothing is left to classify.
    await recordAnswer({ invitationId: a.id, score: 6, comment: "  ", channel: "EMAIL", locale: "fr" });
    expect(await themesOf(first.responseId)).toEqual([]);
    expect(await readThemeProgress(shop)).toEqual({ comments: 1, pending: 0 });
  });

  it("reports each theme's answers, share, NPS and impact on the view's NPS, before and after delivery", async () => {
    const shop = uniqueShop("themes");
    const answers: Array<[number, string | null]> = [
      [2, "arrived late and broken"],
      [4, "parcel was late"],
      [10, "fast delivery, lovely quality"],
      [9, null],
      [8, "ok"],
    ];
    for (const [i, [score, comment]] of answers.entries()) {
      const inv = await invitationFor(shop, 8_400_000_000_000n + BigInt(i));
      await recordAnswer({ invitationId: inv.id, score, comment, channel: "EMAIL", locale: "en" });
    }
    await classifyAll();
    const report = await reportThemes(shop, {}, "all");
    expect(report).toMatchObject({ by: "theme", answers: 5, pending: 0 });
    const delivery = report.groups.find((g) => g.key === "delivery_time")!;
    // Three of five answers; 1 promoter, 2 detractors = NPS -33.3. The view: 2 promoters,
    // 1 passive, 2 detractors = NPS 0; without the three: 1 promoter, 1 passive = 50.
    expect(delivery).toMatchObject({ label: "Delivery time", n: 3, share: 0.6, nps: -33.3, impact: -50 });
    expect(delivery.pre).toMatchObject({ n: 3, impact: -50 });
    expect(delivery.post).toMatchObject({ n: 0, nps: null, impact: null });
    expect(report.groups.find((g) => g.key === "damaged")).toMatchObject({ n: 1, share: 0.2, nps: -100, impact: -25 });
    expect(report.groups.find((g) => g.key === "product_quality")).toMatchObject({ n: 1, nps: 100, impact: 25 });
    expect(report.groups.find((g) => g.key === "packaging")).toMatchObject({ n: 0, impact: null });
    const afterDelivery = await reportThemes(shop, { stage: "post" }, "all");
    expect(afterDelivery.answers).toBe(0);
    expect(afterDelivery.groups.every((g) => g.n === 0)).toBe(true);
  });

  it("narrows every view to the answers mentioning a theme: counts, the queue with its chips, the export", async () => {
    const shop = uniqueShop("themes");
    const answers: Array<[number, string | null]> = [
      [1, "The box arrived crushed and the parcel was late"],
      [3, "Late again, three weeks"],
      [9, "Quick delivery"],
      [2, "Poor quality"],
      [10, null],
    ];
    const ids: number[] = [];
    for (const [i, [score, comment]] of answers.entries()) {
      const inv = await invitationFor(shop, 8_500_000_000_000n + BigInt(i));
      const answer = await recordAnswer({ invitationId: inv.id, score, comment, channel: "EMAIL", locale: "en" });
      if (answer.closed) throw new Error("the survey was closed");
      ids.push(answer.responseId);
    }
    await classifyAll();

    const late = await reportNps(shop, "overall", { theme: "delivery_time" }, "all");
    // The first three mention delivery time: 1 promoter, 2 detractors.
    expect(late.groups[0]).toMatchObject({ n: 3, promoters: 1, detractors: 2 });
    const byStage = await reportNps(shop, "stage", { theme: "damaged" }, "all");
    expect(byStage.groups).toMatchObject([{ key: "pre", n: 1, detractors: 1 }]);
    expect((await reportNps(shop, "overall", { theme: "returns_refunds" }, "all")).groups[0]).toMatchObject({ n: 0 });

    // Among the answers about delivery time, which other themes come up.
    const along = await reportThemes(shop, { theme: "delivery_time" }, "all");
    expect(along.answers).toBe(3);
    expect(along.groups.find((g) => g.key === "damaged")).toMatchObject({ n: 1, share: 0.3333 });
    expect(along.groups.find((g) => g.key === "product_quality")).toMatchObject({ n: 0 });

    const queue = await listQueue(shop, { theme: "delivery_time" }, { category: "DETRACTOR" });
    expect(queue.total).toBe(2);
    expect(queue.rows.map((r) => [r.responseId, r.themes])).toEqual([
      [ids[0], ["damaged", "delivery_time", "packaging"]],
      [ids[1], ["delivery_time"]],
    ]);
    const all = await listQueue(shop, {}, { category: "DETRACTOR" });
    expect(all.rows.find((r) => r.responseId === ids[3])?.themes).toEqual(["product_quality"]);

    let csv = "";
    for await (const chunk of exportCsv(shop, "answers", { theme: "damaged" })) csv += chunk;
    const [header, ...rows] = csv.trim().split("\n");
    expect(header!.split(",")).toContain("themes");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(",damaged; delivery_time; packaging,");
  });

  it("shows which brand and segment mention a theme, and flags a week whose share spikes", async () => {
    const shop = uniqueShop("themes");
    let customer = 8_600_000_000_000n;
    const answer = (vendor: string, score: number, comment: string, daysAgo: number) =>
      answerDaysAgo(shop, customer++, score, comment, daysAgo, vendor);
    // Nine weeks of one quiet answer a week, then a week of six late parcels, all from Brand A.
    for (let week = 1; week <= 9; week++) await answer(week % 2 ? "Brand A" : "Brand B", 9, "Lovely quality", week * 7);
    for (let i = 0; i < 6; i++) await answer("Brand A", 2, "Parcel arrived late", 0);
    await prisma.shop.update({ where: { domain: shop }, data: { settings: { minAnswers: 3 } } });
    await classifyAll();

    const trends = await loadThemeTrends(shop, { range: "90d" });
    const late = trends.themes.find((t) => t.key === "delivery_time")!;
    const thisWeek = late.weeks.at(-1)!;
    expect(thisWeek).toMatchObject({ answers: 6, mentions: 6, share: 1, baseline: 0, spike: true });
    expect(late.latestSpike?.week).toBe(thisWeek.week);
    const quality = trends.themes.find((t) => t.key === "product_quality")!;
    expect(quality.latestSpike).toBeNull();
    expect(quality.weeks.reduce((s, w) => s + w.mentions, 0)).toBe(9);

    const { byBrand, bySegment } = await loadThemeBreakdowns(shop, { range: "90d" });
    expect(byBrand.groups).toEqual([
      { key: "Brand A", answers: 11 },
      { key: "Brand B", answers: 4 },
    ]);
    const cell = (theme: string, group: string) => byBrand.cells.find((c) => c.theme === theme && c.group === group);
    // Six of Brand A's eleven answers are about late parcels; none of Brand B's.
    expect(cell("delivery_time", "Brand A")).toMatchObject({ mentions: 6, share: 0.5455 });
    expect(cell("delivery_time", "Brand B")).toBeUndefined();
    // Four of four against five of eleven: z = 1.9, short of 95 %, so not called above the rest.
    expect(cell("product_quality", "Brand B")).toMatchObject({ mentions: 4, share: 1, against: 0 });
    expect(bySegment.groups).toEqual([{ key: "none", answers: 15 }]);

    // A brand below the shop's minimum sample shows no share.
    await prisma.shop.update({ where: { domain: shop }, data: { settings: { minAnswers: 5 } } });
    const small = await loadThemeBreakdowns(shop, { range: "90d" });
    expect(small.byBrand.cells.find((c) => c.group === "Brand B")).toMatchObject({
      mentions: 4,
      share: null,
      against: 0,
    });
  });

  describe("theme spike alerts", () => {
    let smtp: SmtpSink;
    beforeAll(async () => {
      smtp = await startSmtpSink();
    });
    afterAll(async () => {
      await smtp.close();
    });

    it("alerts once when a theme's week spikes, through the answer actions, and never per answer", async () => {
      const shop = uniqueShop("themes");
      let customer = 8_700_000_000_000n;
      const answer = (score: number, comment: string, daysAgo: number) =>
        answerDaysAgo(shop, customer++, score, comment, daysAgo);
      await invitationFor(shop, customer++);
      const rule = await createAlertRule(shop, {
        name: "Late parcels",
        kind: "THEME_SPIKE",
        theme: "delivery_time",
        scoreMin: 0,
        scoreMax: 10,
        stage: null,
        segments: [],
        urgent: false,
        emails: ["ops@shop.example"],
        slackWebhookUrl: null,
      });
      for (let week = 1; week <= 9; week++) await answer(9, "Lovely quality", week * 7);
      expect(await checkThemeSpikes([shop])).toBe(0);
      for (let i = 0; i < 6; i++) await answer(1, `Parcel ${i + 1} arrived two weeks late <b>again</b>`, 0);
      // A spike rule is not an answer rule: six detractors set off no answer alert.
      expect(await prisma.answerAction.count({ where: { shop, ruleId: rule.id } })).toBe(0);
      await classifyAll();

      expect(await checkThemeSpikes([shop])).toBe(1);
      expect(await checkThemeSpikes([shop])).toBe(0);
      expect(await prisma.themeSpike.findMany({ where: { shop } })).toMatchObject([
        { ruleId: rule.id, theme: "delivery_time", answers: 6, mentions: 6, baseline: 0 },
      ]);
      const actions = await prisma.answerAction.findMany({ where: { shop, ruleId: rule.id } });
      expect(actions).toHaveLength(1);
      expect(actions[0]!.key).toMatch(/^spike:\d+:delivery_time:\d{4}-\d{2}-\d{2}:email$/);

      const sent = await runDueActions(
        { adminFor: async () => null, mailer: () => smtpMailer(smtp.url), appUrl: "https://nps-app.example.test" },
        { shop },
      );
      expect(sent.done).toBe(1);
      const email = smtp.messages.find((m) => m.subject?.includes("Late parcels"))!;
      expect(email.subject).toContain("“Delivery time” spiked in the week of");
      expect(email.text).toContain("6 of 6 answers this week mention delivery time (100.0%), against 0.0%");
      expect(email.html).toContain("&lt;b&gt;again&lt;/b&gt;");
      expect(email.html).toContain("/app/themes/delivery_time?range=90d");
    });

    it("sends a theme.spike event once to the endpoints that take it, signed, without any alert rule", async () => {
      const received: Array<{ headers: Record<string, unknown>; body: string }> = [];
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (d: Buffer) => chunks.push(d));
        req.on("end", () => {
          received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const shop = uniqueShop("themes");
        let customer = 8_800_000_000_000n;
        const answer = (score: number, comment: string, daysAgo: number) =>
          answerDaysAgo(shop, customer++, score, comment, daysAgo);
        await invitationFor(shop, customer++);
        const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/spikes`;
        await createWebhookEndpoint(shop, { url, topics: ["theme.spike"] });
        await createWebhookEndpoint(shop, { url: `${url}?answers`, topics: ["answer.created"] });
        const secret = (await listWebhookEndpoints(shop)).find((e) => e.topics.includes("theme.spike"))!.secret;
        for (let week = 1; week <= 9; week++) await answer(9, "Lovely quality", week * 7);
        for (let i = 0; i < 6; i++) await answer(1, "Parcel arrived two weeks late", 0);
        await classifyAll();
        expect(await checkThemeSpikes([shop])).toBe(1);
        expect(await checkThemeSpikes([shop])).toBe(0);

        await runDueActions(
          { adminFor: async () => null, mailer: () => smtpMailer(smtp.url), appUrl: "https://x.test" },
          { shop },
        );
        const spikes = received.filter((r) => r.headers["x-nps-topic"] === "theme.spike");
        expect(spikes).toHaveLength(1);
        const event = JSON.parse(spikes[0]!.body) as { topic: string; data: Record<string, unknown> };
        expect(event).toMatchObject({
          topic: "theme.spike",
          shop,
          data: {
            theme: { key: "delivery_time", label: "Delivery time" },
            week: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
            answers: 6,
            mentions: 6,
            baseline: 0,
          },
        });
        expect(spikes[0]!.headers["x-nps-hmac-sha256"]).toBe(signWebhook(spikes[0]!.body, secret));
        // The answers' endpoint heard of answers, never of the spike.
        expect(received.filter((r) => r.headers["x-nps-topic"] === "answer.created")).toHaveLength(15);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });

  it("reads a shop's themes as the defaults with the shop's changes and its own themes", async () => {
    const shop = uniqueShop("themes");
    await invitationFor(shop, 8_300_000_000_001n);
    await prisma.shopTheme.createMany({
      data: [
        {
          shop,
          key: "packaging",
          enabled: false,
          label: { en: "Boxes" },
          description: {},
          phrases: { en: ["box"], fr: "not a list" },
        },
        {
          shop,
          key: "courier_bpost",
          label: { en: "Bpost", nl: "Bpost" },
          description: {},
          phrases: { nl: ["bpost"] },
          position: 1,
        },
      ],
    });
    const themes = await listShopThemes(shop);
    expect(themes.map((t) => t.key)).toEqual([...DEFAULT_THEME_KEYS, "courier_bpost"]);
    const packaging = themes.find((t) => t.key === "packaging")!;
    expect(packaging).toMatchObject({ enabled: false, label: { en: "Boxes", fr: "Emballage" } });
    // A malformed language keeps the default's phrases rather than breaking the classifier.
    expect(packaging.phrases.en).toEqual(["box"]);
    expect(packaging.phrases.fr).toContain("emballage");
    expect(themes.at(-1)).toMatchObject({ key: "courier_bpost", enabled: true, phrases: { nl: ["bpost"], en: [] } });

    // What `npm run themes -- classify --shop` reads, wherever the database is held.
    const command = await runCommand("taxonomy", { shop });
    expect(command).toEqual({ ok: true, result: themes });
    await loadLanguageDetector();
    const classified = compileThemeClassifier(themes).classify("Bpost heeft het pakket in de regen laten staan", "nl");
    expect(classified.themes).toContain("courier_bpost");
    expect(classified.matched).toMatchObject({ courier_bpost: ["bpost"] });
    expect(await runCommand("taxonomy", { shop: "nobody.myshopify.com" })).toEqual({
      ok: false,
      error: "Unknown shop: nobody.myshopify.com",
    });
  });
});
