import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAdmin, type RecordedCall } from "../../test/admin-schema";
import { orderPayload, type Payload } from "../../test/orders";
import {
  APP_URL,
  appProxyRequest,
  callAction,
  callLoader,
  installShop,
  sessionToken,
  uniqueShop,
  webhookRequest,
} from "../../test/shopify";
import { action as advocacyPage } from "../routes/app.settings_.advocacy";
import { readSettings } from "../domain/settings";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import prisma from "../db.server";
import { smtpMailer } from "../email/mailer.server";
import { signShareLink } from "../lib/share-links.server";
import { action as answer, loader as surveyPage } from "../routes/proxy.s.$token";
import { action as unsubscribe_, loader as unsubscribePage } from "../routes/proxy.unsubscribe.$token";
import { loader as shareLink } from "../routes/proxy.r.$link";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { loadAdvocacyFunnel, loadShareStep } from "./advocacy.server";
import { type ActionDeps, runDueActions } from "./answer-actions.server";
import { dispatchDueInvitations } from "./invitation-sender.server";
import { recordAnswer } from "./answers.server";
import { saveAdvocacySettings } from "./shops.server";

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

const recent = () => new Date(Date.now() - 2 * 3_600_000).toISOString();

/** An order from customer `customerId`, received by webhook; returns the order payload. */
async function receiveOrder(shop: string, customerId: number, change: (p: Payload) => void = () => {}) {
  const order = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = recent();
    p.customer.id = customerId;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${customerId}`;
    p.email = p.customer.email = `c${customerId}@example.com`;
    change(p);
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }))).status).toBe(200);
  return order;
}

/** The token of the survey email sent for the shop's newest order. */
async function emailedToken(shop: string) {
  await dispatchDueInvitations({ mailer: smtpMailer(smtp.url), shop });
  const mail = smtp.messages.filter((m) => m.messageId?.endsWith(`@${shop}>`)).at(-1)!;
  return /\/apps\/nps\/s\/([A-Za-z0-9_-]+)\?score=0/.exec(String(mail.text))![1]!;
}

const answerPage = (shop: string, token: string, score: number) =>
  callAction(answer, appProxyRequest(`/s/${token}`, { shop, form: { score: String(score) } }), { token });
const follow = (shop: string, link: string) => callLoader(shareLink, appProxyRequest(`/r/${link}`, { shop }), { link });

/** A fake Admin API that creates discounts as Shopify does, refusing documents and variables its schema refuses. */
function discountAdmin(answer: (call: RecordedCall) => unknown = () => undefined) {
  let n = 0;
  return fakeAdmin((call) => {
    const given = answer(call);
    if (given !== undefined) return given;
    if (call.query.includes("flowTriggerReceive")) return { flowTriggerReceive: { userErrors: [] } };
    if (call.query.includes("discountCodeBasicCreate")) {
      return {
        discountCodeBasicCreate: { codeDiscountNode: { id: `gid://shopify/DiscountCodeNode/${++n}` }, userErrors: [] },
      };
    }
    throw new Error(`unexpected call: ${call.query.slice(0, 80)}`);
  });
}
const depsWith = (graphql: ActionDeps["adminFor"] extends (s: string) => Promise<infer G> ? G : never): ActionDeps => ({
  adminFor: async () => graphql,
  mailer: () => {
    throw new Error("no email in this test");
  },
  appUrl: "https://x.test",
});

const discountActions = async (shop: string) =>
  (await prisma.answerAction.findMany({ where: { shop, kind: "DISCOUNT_CODE" }, orderBy: { id: "asc" } })).map(
    (a) => a.status,
  );

async function shopWithReferrals(review: Record<string, unknown> = { kind: "none" }) {
  const shop = uniqueShop();
  await receiveOrder(shop, 7001);
  const saved = await saveAdvocacySettings(shop, {
    referral: { enabled: true, type: "percentage", value: 15, validDays: 60, codePrefix: "thanks" },
    review,
  });
  expect(saved.ok).toBe(true);
  await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{tagCustomers}', 'false'), currency = 'EUR' WHERE domain = ${shop}`;
  return shop;
}

describe("the promoter's share step", () => {
  it("gives a promoter a Shopify referral code, counts its use by a friend as referral revenue, and never the promoter's own", async () => {
    const shop = await shopWithReferrals();
    const token = await emailedToken(shop);

    // No Admin API has run yet: the page says the code is on its way (after a bounded wait).
    const first = await answerPage(shop, token, 10);
    expect(first.status).toBe(200);
    const pending = await first.text();
    expect(pending).toContain("Your code is being created");
    const code = await prisma.discountCode.findFirstOrThrow({ where: { shop } });
    expect(code).toMatchObject({ status: "PENDING", purpose: "REFERRAL" });
    expect(code.code).toMatch(/^THANKS-[A-HJ-NP-Z2-9]{8}$/);

    const admin = discountAdmin();
    const creations = () => admin.calls.filter((c) => c.query.includes("discountCodeBasicCreate"));
    await runDueActions(depsWith(admin.graphql), { shop });
    expect(await discountActions(shop)).toEqual(["DONE"]);
    expect(creations()).toHaveLength(1);
    const input = creations()[0]!.variables!.basicCodeDiscount as Record<string, unknown>;
    expect(input).toMatchObject({
      code: code.code,
      context: { all: "ALL" },
      customerGets: { value: { percentage: 0.15 }, items: { all: true } },
      appliesOncePerCustomer: true,
    });
    expect(Date.parse(input.endsAt as string) - Date.parse(input.startsAt as string)).toBe(60 * 86_400_000);

    // Coming back to the page shows the code, its offer and a link to share.
    const page = await (await callLoader(surveyPage, appProxyRequest(`/s/${token}`, { shop }), { token })).text();
    expect(page).toContain(code.code);
    expect(page).toContain("15%");
    const shareUrl = /value="(https:\/\/[^"]+\/apps\/nps\/r\/[^"]+)"/.exec(page)![1]!;
    expect(shareUrl.startsWith(`https://${shop}/apps/nps/r/`)).toBe(true);

    // Answering again keeps the same code: nothing more is asked of Shopify.
    await answerPage(shop, token, 9);
    expect(await prisma.discountCode.count({ where: { shop } })).toBe(1);
    await runDueActions(depsWith(admin.graphql), { shop });
    expect(creations()).toHaveLength(1);

    // A friend follows the shared link: the store opens with the code applied.
    const link = shareUrl.split("/r/")[1]!;
    const visit = await follow(shop, link);
    expect(visit.status).toBe(302);
    expect(visit.headers.get("location")).toBe(`/discount/${code.code}?redirect=%2F`);

    // The friend orders with the code (typed in lower case); the promoter uses it too.
    await receiveOrder(shop, 7002, (p) => {
      p.discount_codes = [{ code: code.code.toLowerCase(), amount: "4.50", type: "percentage" }];
      p.current_total_price = "25.50";
      p.current_total_price_set = { shop_money: { amount: "25.50", currency_code: "EUR" } };
    });
    await receiveOrder(shop, 7001, (p) => {
      p.discount_codes = [{ code: code.code, amount: "3.00", type: "percentage" }];
    });
    const funnel = await loadAdvocacyFunnel(shop);
    expect(funnel).toMatchObject({
      shown: 1,
      shareClicks: 1,
      codes: 1,
      codesUsed: 1,
      referralOrders: 1,
      referralRevenue: "25.50",
      currency: "EUR",
    });
  });

  it("adopts a code Shopify already has from a try whose answer was lost, and refuses one another discount took", async () => {
    const shop = await shopWithReferrals();
    await answerPage(shop, await emailedToken(shop), 10);
    const code = await prisma.discountCode.findFirstOrThrow({ where: { shop } });
    const taken = (title: string) =>
      discountAdmin((call) =>
        call.query.includes("discountCodeBasicCreate")
          ? {
              discountCodeBasicCreate: {
                codeDiscountNode: null,
                userErrors: [{ field: ["basicCodeDiscount", "code"], code: "TAKEN", message: "Code must be unique." }],
              },
            }
          : { codeDiscountNodeByCode: { id: "gid://shopify/DiscountCodeNode/77", codeDiscount: { title } } },
      );
    const other = taken("Summer sale");
    await runDueActions(depsWith(other.graphql), { shop });
    expect(await discountActions(shop)).toEqual(["PENDING"]);
    expect((await prisma.discountCode.findUniqueOrThrow({ where: { id: code.id } })).status).toBe("PENDING");
    const ours = taken(`NPS referral ${code.code}`);
    await runDueActions(depsWith(ours.graphql), { shop, now: new Date(Date.now() + 2 * 60_000) });
    expect(await prisma.discountCode.findUniqueOrThrow({ where: { id: code.id } })).toMatchObject({
      status: "ACTIVE",
      discountId: "gid://shopify/DiscountCodeNode/77",
    });
  });

  it("says the code is unavailable when the shop has no Admin API, and gives a passive nothing", async () => {
    const shop = await shopWithReferrals();
    const token = await emailedToken(shop);
    await answerPage(shop, token, 10);
    await runDueActions(depsWith(null), { shop });
    expect(await discountActions(shop)).toEqual(["SKIPPED"]);
    const page = await (await callLoader(surveyPage, appProxyRequest(`/s/${token}`, { shop }), { token })).text();
    expect(page).toContain("We could not create your code just now");

    const other = await shopWithReferrals();
    const passive = await answerPage(other, await emailedToken(other), 8);
    expect(await passive.text()).not.toContain('class="share"');
    expect(await prisma.discountCode.count({ where: { shop: other } })).toBe(0);
  });

  it("offers a public review site after every answer and a product review page only to promoters", async () => {
    const site = await shopWithReferrals({
      kind: "site",
      siteName: "Trustpilot",
      siteUrl: "https://www.trustpilot.com/evaluate/shop.example",
    });
    await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{advocacy,referral,enabled}', 'false') WHERE domain = ${site}`;
    const detractor = await (await answerPage(site, await emailedToken(site), 2)).text();
    expect(detractor).toContain("Would you tell others about your experience on Trustpilot?");
    const reviewLink = /href="https:\/\/[^"]+\/apps\/nps\/r\/([^"]+)"/.exec(detractor)![1]!;
    const visit = await follow(site, reviewLink);
    expect(visit.headers.get("location")).toBe("https://www.trustpilot.com/evaluate/shop.example");
    expect((await loadAdvocacyFunnel(site)).reviewClicks).toBe(1);

    const product = await shopWithReferrals({
      kind: "product",
      productUrl: "https://{shop_domain}/products/{handle}#judgeme_product_reviews",
    });
    await receiveOrder(product, 7003, (p) => {
      p.line_items = [{ ...p.line_items[0], product_id: 4242, title: "Blue Mug (XL)", price: "30.00", quantity: 1 }];
    });
    const invitations = await prisma.surveyInvitation.findMany({ where: { shop: product }, orderBy: { id: "asc" } });
    expect(invitations).toHaveLength(2);
    await dispatchDueInvitations({ mailer: smtpMailer(smtp.url), shop: product });
    const tokens = smtp.messages
      .filter((m) => m.messageId?.endsWith(`@${product}>`))
      .map((m) => /\/apps\/nps\/s\/([A-Za-z0-9_-]+)\?score=0/.exec(String(m.text))![1]!);
    const pages = await Promise.all(
      tokens.map(async (t, i) => (await answerPage(product, t, i === 0 ? 3 : 10)).text()),
    );
    const withReview = pages.filter((p) => p.includes("Would you also review what you bought?"));
    expect(withReview).toHaveLength(1);
    const promoterLink = /href="https:\/\/[^"]+\/apps\/nps\/r\/([^"]+)"/.exec(withReview[0]!)![1]!;
    const response = await prisma.response.findFirstOrThrow({ where: { shop: product, score: 10 } });
    const order = await prisma.order.findUniqueOrThrow({ where: { id: response.orderId }, include: { lines: true } });
    const expected = order.lines.some((l) => l.productId === 4242n) ? "blue-mug-xl" : null;
    const target = (await follow(product, promoterLink)).headers.get("location")!;
    // Without Shopify to ask (tests), the handle comes from the product's title.
    if (expected) expect(target).toBe(`https://${product}/products/${expected}#judgeme_product_reviews`);
    else expect(target).toMatch(new RegExp(`^https://${product.replace(/\./g, "\\.")}/products/[a-z0-9-]+#judgeme`));
  });
});

describe("the share email", () => {
  it("mails a promoter their code once it is made, in their language, with an unsubscribe link that works", async () => {
    const shop = await shopWithReferrals({
      kind: "site",
      siteName: "Trustpilot",
      siteUrl: "https://www.trustpilot.com/evaluate/x.example",
    });
    await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{advocacy,shareEmail}', 'true') WHERE domain = ${shop}`;
    const token = await emailedToken(shop);
    await answerPage(shop, token, 10);
    const admin = discountAdmin();
    const mailing: ActionDeps = { ...depsWith(admin.graphql), mailer: () => smtpMailer(smtp.url) };
    await runDueActions(mailing, { shop });
    const code = await prisma.discountCode.findFirstOrThrow({ where: { shop } });
    const mails = smtp.messages.filter((m) => m.messageId === `<share-${code.responseId}@${shop}>`);
    expect(mails).toHaveLength(1);
    const text = String(mails[0]!.text);
    expect(mails[0]!.subject).toMatch(/^Thank you from .+: a gift for your friends$/);
    expect(text).toContain(`Your code: ${code.code}`);
    // The page asks everyone about Trustpilot; an email to promoters only never does (review gating).
    expect(text).not.toContain("Trustpilot");
    expect(text).not.toMatch(/#\d+/);
    const unsubscribe = /Unsubscribe: (https:\/\/\S+)/.exec(text)![1]!;
    const header = (key: string) => mails[0]!.headerLines.find((h) => h.key === key)?.line.replace(/\s+/g, " ");
    expect(header("list-unsubscribe")).toBe(`List-Unsubscribe: <${unsubscribe}>`);
    expect(header("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    // Once is enough: a later run sends nothing more.
    await runDueActions(mailing, { shop, now: new Date(Date.now() + 3 * 3_600_000) });
    expect(smtp.messages.filter((m) => m.messageId === `<share-${code.responseId}@${shop}>`)).toHaveLength(1);

    const link = unsubscribe.split("/unsubscribe/")[1]!;
    const confirm = await callLoader(unsubscribePage, appProxyRequest(`/unsubscribe/${link}`, { shop }), {
      token: link,
    });
    expect(await confirm.text()).toContain("Stop survey emails from");
    expect(await prisma.emailSuppression.count({ where: { shop } })).toBe(0);
    const done = await callAction(unsubscribe_, appProxyRequest(`/unsubscribe/${link}`, { shop, method: "POST" }), {
      token: link,
    });
    expect(done.status).toBe(200);
    expect(await prisma.emailSuppression.count({ where: { shop } })).toBe(1);
    // Another shop cannot use the link; a link for a review cannot unsubscribe.
    const other = await callAction(
      unsubscribe_,
      appProxyRequest(`/unsubscribe/${link}`, { shop: uniqueShop(), method: "POST" }),
      {
        token: link,
      },
    );
    expect(other.status).toBe(404);
  });

  it("asks for a product review without a code, thanks without promising a gift, and stops when the shop stops", async () => {
    const shop = await shopWithReferrals({
      kind: "product",
      productUrl: "https://{shop_domain}/products/{handle}#reviews",
    });
    await prisma.$executeRaw`
      UPDATE shops SET settings = jsonb_set(jsonb_set(settings, '{advocacy,shareEmail}', 'true'),
                                            '{advocacy,referral,enabled}', 'false')
      WHERE domain = ${shop}`;
    await answerPage(shop, await emailedToken(shop), 9);
    const mailing: ActionDeps = { ...depsWith(null), mailer: () => smtpMailer(smtp.url) };
    await runDueActions(mailing, { shop });
    const response = await prisma.response.findFirstOrThrow({ where: { shop } });
    const mail = smtp.messages.find((m) => m.messageId === `<share-${response.id}@${shop}>`)!;
    expect(mail.subject).toMatch(/^Thank you from [^:]+$/);
    expect(String(mail.text)).toContain("Would you also review what you bought?");

    // Turned off while an email waits: it is not sent.
    await receiveOrder(shop, 7010);
    await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{throttleDays}', '0') WHERE domain = ${shop}`;
    await answerPage(shop, await emailedToken(shop), 10);
    await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{advocacy,shareEmail}', 'false') WHERE domain = ${shop}`;
    await runDueActions(mailing, { shop });
    const waiting = await prisma.answerAction.findMany({
      where: { shop, kind: "SHARE_EMAIL" },
      orderBy: { id: "asc" },
    });
    expect(waiting.map((a) => a.status)).toEqual(["DONE", "SKIPPED"]);
  });

  it("writes only to an address the survey itself was emailed to", async () => {
    const shop = await shopWithReferrals();
    await prisma.$executeRaw`
      UPDATE shops SET settings = jsonb_set(jsonb_set(settings, '{advocacy,shareEmail}', 'true'), '{channels,email}', 'false')
      WHERE domain = ${shop}`;
    const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    await recordAnswer({ invitationId: invitation.id, score: 10, channel: "THANK_YOU", locale: "en" });
    expect(await prisma.answerAction.count({ where: { shop, kind: "SHARE_EMAIL" } })).toBe(0);
  });

  it("sends nothing unless the shop asks, and nothing to a passive", async () => {
    const shop = await shopWithReferrals();
    await answerPage(shop, await emailedToken(shop), 10);
    expect(await prisma.answerAction.count({ where: { shop, kind: "SHARE_EMAIL" } })).toBe(0);
    const asks = await shopWithReferrals();
    await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{advocacy,shareEmail}', 'true') WHERE domain = ${asks}`;
    await answerPage(asks, await emailedToken(asks), 8);
    expect(await prisma.answerAction.count({ where: { shop: asks, kind: "SHARE_EMAIL" } })).toBe(0);
  });
});

describe("share links refuse what they were not signed for", () => {
  it("answers a forged, altered or other shop's link with 404, an unsigned request with 401, and counts nothing", async () => {
    const shop = await shopWithReferrals({ kind: "site", siteName: "Google", siteUrl: "https://g.page/r/abc/review" });
    await answerPage(shop, await emailedToken(shop), 10);
    const response = await prisma.response.findFirstOrThrow({ where: { shop } });
    const good = signShareLink(shop, response.id, "review");
    const before = await prisma.shareEvent.findMany({ where: { shop }, orderBy: { id: "asc" } });

    const otherShop = uniqueShop();
    for (const [link, asShop] of [
      [`${response.id}.review.${"A".repeat(22)}`, shop],
      [good.replace(`${response.id}.`, `${response.id + 1}.`), shop],
      [good.replace(".review.", ".share."), shop],
      [good, otherShop],
      [`${response.id}.review.${good.split(".")[2]}x`, shop],
      ["https%3A%2F%2Fevil.example", shop],
    ] as const) {
      const res = await follow(asShop, link);
      expect(res.status, link).toBe(404);
      expect(res.headers.get("location")).toBeNull();
    }
    const unsigned = await callLoader(shareLink, appProxyRequest(`/r/${good}`, { shop, signed: false }), {
      link: good,
    });
    expect(unsigned.status).toBe(401);
    expect(await prisma.shareEvent.findMany({ where: { shop }, orderBy: { id: "asc" } })).toEqual(before);

    // The merchant stops asking for reviews: the link, though signed, leads nowhere any more.
    await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{advocacy,review,kind}', '"none"') WHERE domain = ${shop}`;
    const gone = await follow(shop, good);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain("This link is no longer available.");
  });

  it("shows nothing to share for an invitation of another shop", async () => {
    const shop = await shopWithReferrals({ kind: "site", siteName: "Google", siteUrl: "https://g.page/r/abc/review" });
    await answerPage(shop, await emailedToken(shop), 10);
    const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    const view = await loadShareStep({
      shop: uniqueShop(),
      invitationId: invitation.id,
      locale: "en",
      linkBase: "https://x/apps/nps",
    });
    expect(view).toBeNull();
  });
});

describe("advocacy settings", () => {
  it("saves the page's form, both codes' terms included, and answers a bad field with 400", async () => {
    const shop = await shopWithReferrals();
    await installShop(shop);
    const post = (fields: Record<string, string>) =>
      callAction(
        advocacyPage,
        new Request(`${APP_URL}/app/settings/advocacy?shop=${shop}&embedded=1`, {
          method: "POST",
          body: new URLSearchParams(fields),
          headers: { authorization: `Bearer ${sessionToken(shop)}` },
        }),
      );
    const form = {
      referralEnabled: "on",
      referralType: "amount",
      referralValue: "5",
      referralMinimum: "1,000",
      referralValidDays: "30",
      referralPrefix: "pal",
      reviewKind: "none",
      apologyType: "percentage",
      apologyValue: "12,5",
      apologyMinimum: "",
      apologyValidDays: "45",
      apologyPrefix: "OOPS",
      apologyTemplates: "{}",
    };
    expect((await post(form)).status).toBe(200);
    const advocacy = readSettings((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings).advocacy;
    expect(advocacy.referral).toMatchObject({
      enabled: true,
      type: "amount",
      value: 5,
      minimumSubtotal: 1000,
      validDays: 30,
      codePrefix: "PAL",
    });
    expect(advocacy.apology).toMatchObject({
      type: "percentage",
      value: 12.5,
      minimumSubtotal: null,
      validDays: 45,
      codePrefix: "OOPS",
    });
    const bad = await post({ ...form, apologyValidDays: "" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Record<string, string> }).errors).toEqual({
      "apology.validDays": "Enter a whole number of days",
    });
  });

  it("refuses invalid settings field by field and changes nothing", async () => {
    const shop = await shopWithReferrals();
    const before = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings;
    const result = await saveAdvocacySettings(shop, {
      referral: { enabled: true, type: "percentage", value: 150, validDays: 0, codePrefix: "no spaces!" },
      review: { kind: "product", productUrl: "https://shop.example/reviews" },
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        "referral.validDays": "At least 1 day",
        "referral.codePrefix": "Use 1 to 12 letters A–Z or digits",
        "referral.value": "A percentage is at most 100",
        "review.productUrl":
          "The address must contain {handle} or {product_id}, so each shopper reviews what they bought",
      },
    });
    const site = await saveAdvocacySettings(shop, {
      referral: { enabled: false },
      review: { kind: "site", siteUrl: "http://insecure.example/review" },
    });
    expect(site.ok ? {} : site.errors).toEqual({
      "review.siteUrl": "Enter an https:// address",
      "review.siteName": "Name the site, such as Trustpilot",
    });
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings).toEqual(before);
  });
});
