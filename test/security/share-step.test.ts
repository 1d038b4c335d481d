import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import { smtpMailer } from "../../app/email/mailer.server";
import { loadAdvocacyFunnel } from "../../app/models/advocacy.server";
import { type ActionDeps, runDueActions } from "../../app/models/answer-actions.server";
import { dispatchDueInvitations } from "../../app/models/invitation-sender.server";
import { saveAdvocacySettings, saveShopSettings } from "../../app/models/shops.server";
import { numberOrNull } from "../../app/routes/app.settings_.advocacy";
import { loader as shareLink } from "../../app/routes/proxy.r.$link";
import { action as answer, loader as surveyPage } from "../../app/routes/proxy.s.$token";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { fakeAdmin } from "../admin-schema";
import { orderPayload, type Payload } from "../orders";
import { appProxyRequest, callAction, callLoader, uniqueShop, webhookRequest } from "../shopify";
import { type SmtpSink, startSmtpSink } from "../smtp";

// The share step in strangers' hands: codes that outlive their discount, payloads Shopify
// may send, addresses merchants may type, a promoter who changes their mind.

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

const recent = () => new Date(Date.now() - 2 * 3_600_000).toISOString();
const asCustomer = (id: number) => (p: Payload) => {
  p.customer.id = id;
  p.customer.admin_graphql_api_id = `gid://shopify/Customer/${id}`;
  p.email = p.customer.email = `c${id}@example.com`;
};
const asGuest = (email: string) => (p: Payload) => {
  p.customer = null;
  p.email = email;
};

async function receive(shop: string, change: (p: Payload) => void) {
  const order = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = recent();
    change(p);
  });
  const res = await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }));
  return { order, res };
}
async function token(shop: string) {
  await dispatchDueInvitations({ mailer: smtpMailer(smtp.url), shop });
  const mail = smtp.messages.filter((m) => m.messageId?.endsWith(`@${shop}>`)).at(-1)!;
  return /\/apps\/nps\/s\/([A-Za-z0-9_-]+)\?score=0/.exec(String(mail.text))![1]!;
}
const answerPage = (shop: string, t: string, score: number) =>
  callAction(answer, appProxyRequest(`/s/${t}`, { shop, form: { score: String(score) } }), { token: t });
const page = async (shop: string, t: string) =>
  (await callLoader(surveyPage, appProxyRequest(`/s/${t}`, { shop }), { token: t })).text();
const follow = (shop: string, link: string) => callLoader(shareLink, appProxyRequest(`/r/${link}`, { shop }), { link });
const admin = () =>
  fakeAdmin((call) => {
    if (call.query.includes("discountCodeBasicCreate")) {
      return {
        discountCodeBasicCreate: { codeDiscountNode: { id: "gid://shopify/DiscountCodeNode/1" }, userErrors: [] },
      };
    }
    if (call.query.includes("flowTriggerReceive")) return { flowTriggerReceive: { userErrors: [] } };
    throw new Error("unexpected call");
  });
const deps = (graphql: ReturnType<typeof admin>["graphql"] | null): ActionDeps => ({
  adminFor: async () => graphql,
  mailer: () => {
    throw new Error("no email here");
  },
  appUrl: "https://x.test",
});
const creations = (a: ReturnType<typeof admin>) => a.calls.filter((c) => c.query.includes("discountCodeBasicCreate"));

async function setup(first: (p: Payload) => void, review: Record<string, unknown> = { kind: "none" }, validDays = 90) {
  const shop = uniqueShop();
  expect((await receive(shop, first)).res.status).toBe(200);
  const saved = await saveAdvocacySettings(shop, {
    referral: { enabled: true, type: "percentage", value: 10, validDays, codePrefix: "F" },
    review,
  });
  expect(saved.ok).toBe(true);
  await prisma.$executeRaw`
    UPDATE shops SET settings = jsonb_set(jsonb_set(settings, '{tagCustomers}', 'false'), '{throttleDays}', '0')
    WHERE domain = ${shop}`;
  return shop;
}

describe("the share step under attack", () => {
  it("takes an order whose discount_codes Shopify filled oddly, crediting only usable codes", async () => {
    const shop = uniqueShop();
    const { order, res } = await receive(shop, (p) => {
      asCustomer(8001)(p);
      p.discount_codes = [{ code: "X".repeat(256) }, { code: null }, { amount: "1.00" }, "nonsense", { code: "OK10" }];
    });
    expect(res.status).toBe(200);
    expect(await prisma.order.count({ where: { shop, shopifyId: BigInt(order.id) } })).toBe(1);
    const broken = await receive(shop, (p) => {
      asCustomer(8002)(p);
      p.discount_codes = "not a list";
    });
    expect(broken.res.status).toBe(200);
  });

  it("replaces a code that has expired, and sends its old link nowhere", async () => {
    const shop = await setup(asCustomer(8101), { kind: "none" }, 1);
    await answerPage(shop, await token(shop), 10);
    await runDueActions(deps(admin().graphql), { shop });
    const old = await prisma.discountCode.findFirstOrThrow({ where: { shop } });
    const oldLink = /value="https:\/\/[^"]+\/apps\/nps\/r\/([^"]+)"/.exec(await page(shop, await token(shop)))![1]!;
    // Five days on, Shopify no longer takes it (its end was a day after it was made).
    await prisma.$executeRaw`
      UPDATE discount_codes SET created_at = now() - interval '5 days', activated_at = now() - interval '5 days',
                                ends_at = now() - interval '4 days'
      WHERE id = ${old.id}`;
    expect((await follow(shop, oldLink)).status).toBe(410);
    await receive(shop, asCustomer(8101));
    await answerPage(shop, await token(shop), 10);
    const codes = await prisma.discountCode.findMany({ where: { shop }, orderBy: { id: "asc" } });
    expect(codes).toHaveLength(2);
    expect(codes[1]!.code).not.toBe(old.code);
  });

  it("does not count a guest promoter's own order with their code as a referral", async () => {
    const shop = await setup(asGuest("guest@example.com"));
    await answerPage(shop, await token(shop), 10);
    await runDueActions(deps(admin().graphql), { shop });
    const code = await prisma.discountCode.findFirstOrThrow({ where: { shop } });
    expect(code.customerId).toBeNull();
    await receive(shop, (p) => {
      asGuest("GUEST@example.com")(p);
      p.discount_codes = [{ code: code.code, amount: "1.00", type: "percentage" }];
    });
    await receive(shop, (p) => {
      asGuest("friend@example.com")(p);
      p.discount_codes = [{ code: code.code, amount: "1.00", type: "percentage" }];
    });
    expect((await loadAdvocacyFunnel(shop)).referralOrders).toBe(1);
  });

  it("sends a shopper to an international review address encoded, never a 500", async () => {
    const shop = await setup(asCustomer(8301), {
      kind: "site",
      siteName: "Trustpilot",
      siteUrl: "https://de.trustpilot.com/review/例え.jp",
    });
    const html = await (await answerPage(shop, await token(shop), 2)).text();
    const link = /href="https:\/\/[^"]+\/apps\/nps\/r\/([^"]+)"/.exec(html)![1]!;
    const res = await follow(shop, link);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("https://de.trustpilot.com/review/%E4%BE%8B%E3%81%88.jp");
  });

  it("tries a failed code again when the promoter answers again", async () => {
    const shop = await setup(asCustomer(8401));
    const t = await token(shop);
    await answerPage(shop, t, 10);
    await runDueActions(deps(null), { shop });
    expect(await page(shop, t)).toContain("We could not create your code just now");
    await answerPage(shop, t, 10);
    const a = admin();
    await runDueActions(deps(a.graphql), { shop });
    expect(creations(a)).toHaveLength(1);
    expect((await prisma.discountCode.findFirstOrThrow({ where: { shop } })).status).toBe("ACTIVE");
    expect(await page(shop, t)).toMatch(/F-[A-Z2-9]{8}/);
  });

  it("does not create the code of a promoter who changed their answer to a 3 before it was made", async () => {
    const shop = await setup(asCustomer(8501));
    const t = await token(shop);
    await answerPage(shop, t, 10);
    await answerPage(shop, t, 3);
    const a = admin();
    await runDueActions(deps(a.graphql), { shop });
    expect(creations(a)).toHaveLength(0);
    expect((await prisma.discountCode.findFirstOrThrow({ where: { shop } })).status).toBe("FAILED");
  });

  it("refuses placeholders in a site's name, unknown placeholders and amounts that round to nothing", async () => {
    const shop = await setup(asCustomer(8601));
    const before = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings;
    const attempts: Array<[Record<string, unknown>, string, string]> = [
      [{ kind: "product", productUrl: "https://{handle}.com/x" }, "review.productUrl", "site's name"],
      [{ kind: "product", productUrl: "https://{shop_domain}.evil.com/{handle}" }, "review.productUrl", "site's name"],
      [{ kind: "product", productUrl: "https://shop.example/{handle}?t={title}" }, "review.productUrl", "{title}"],
      [{ kind: "product", productUrl: "https://user:pw@shop.example/{handle}" }, "review.productUrl", "https://"],
    ];
    for (const [review, field, message] of attempts) {
      const result = await saveAdvocacySettings(shop, { referral: { enabled: true }, review });
      expect(result.ok ? {} : result.errors[field], JSON.stringify(review)).toContain(message);
    }
    const tiny = await saveAdvocacySettings(shop, {
      referral: { enabled: true, type: "amount", value: 0.001, minimumSubtotal: 0.004 },
    });
    expect(tiny.ok ? {} : tiny.errors).toEqual({
      "referral.value": "Enter a discount of at least 0.01",
      "referral.minimumSubtotal": "Enter an amount of at least 0.01, or leave it empty",
    });
    expect((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings).toEqual(before);
    expect([numberOrNull("1,000"), numberOrNull("1.000,50"), numberOrNull("12,5"), numberOrNull("")]).toEqual([
      1000,
      1000.5,
      12.5,
      null,
    ]);
    expect(numberOrNull("1,00,0")).toBeNaN();
  });

  it("keeps the share step when the other settings are saved from an older page", async () => {
    const shop = await setup(asCustomer(8701));
    const stale = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings as Record<
      string,
      unknown
    >;
    const older = { ...stale, advocacy: { referral: { enabled: false } }, minAnswers: 12 };
    expect((await saveShopSettings(shop, older)).ok).toBe(true);
    const now = (await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings as {
      minAnswers: number;
      advocacy: { referral: { enabled: boolean } };
    };
    expect(now.minAnswers).toBe(12);
    expect(now.advocacy.referral.enabled).toBe(true);
  });
});
