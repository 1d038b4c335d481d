import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAdmin } from "../../test/admin-schema";
import { orderPayload, type Payload } from "../../test/orders";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop, webhookRequest } from "../../test/shopify";
import { type SmtpSink, startSmtpSink } from "../../test/smtp";
import prisma from "../db.server";
import { smtpMailer } from "../email/mailer.server";
import { action as casePage, loader as caseLoader } from "../routes/app.cases.$id";
import { action as ordersCreate } from "../routes/webhooks.orders.create";
import { loadAdvocacyFunnel } from "./advocacy.server";
import { type ActionDeps, runDueActions } from "./answer-actions.server";
import { recordAnswer } from "./answers.server";
import { ApologyRefusedError, loadApology, sendApology } from "./apologies.server";
import { saveAdvocacySettings } from "./shops.server";
import { readSettings } from "../domain/settings";

let smtp: SmtpSink;
beforeAll(async () => {
  smtp = await startSmtpSink();
});
afterAll(() => smtp.close());

const CUSTOMER = 9101;

async function order(shop: string, change: (p: Payload) => void = () => {}) {
  const payload = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = new Date(Date.now() - 3_600_000).toISOString();
    p.customer.id = CUSTOMER;
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${CUSTOMER}`;
    p.customer.first_name = "Élodie";
    p.email = p.customer.email = "elodie@example.com";
    p.customer_locale = "fr";
    change(p);
  });
  expect((await callAction(ordersCreate, webhookRequest("orders/create", payload, { shop }))).status).toBe(200);
  return payload;
}

/** A French customer's detractor answer, with its case; returns the case id. */
async function detractorCase(shop: string, change?: (p: Payload) => void) {
  await order(shop, change);
  await prisma.$executeRaw`UPDATE shops SET settings = jsonb_set(settings, '{tagCustomers}', 'false'), currency = 'EUR', email = 'care@shop.example' WHERE domain = ${shop}`;
  const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
  const saved = await recordAnswer({ invitationId: invitation.id, score: 2, channel: "EMAIL", locale: "fr" });
  return saved.caseId!;
}

const adminWithDiscounts = () =>
  fakeAdmin((call) => {
    if (call.query.includes("discountCodeBasicCreate")) {
      return {
        discountCodeBasicCreate: { codeDiscountNode: { id: "gid://shopify/DiscountCodeNode/5" }, userErrors: [] },
      };
    }
    if (call.query.includes("flowTriggerReceive")) return { flowTriggerReceive: { userErrors: [] } };
    throw new Error(`unexpected call ${call.query.slice(0, 60)}`);
  });
const deps = (graphql: ReturnType<typeof adminWithDiscounts>["graphql"] | null): ActionDeps => ({
  adminFor: async () => graphql,
  mailer: () => smtpMailer(smtp.url),
  appUrl: "https://x.test",
});
const mailsTo = (address: string) => smtp.messages.filter((m) => JSON.stringify(m.to).includes(address));

describe("an apology to a detractor", () => {
  it("emails the customer in their language with a one-time code for them only, once, and sees the code used", async () => {
    const shop = uniqueShop();
    const caseId = await detractorCase(shop);
    const view = await loadApology(shop, caseId);
    expect(view).toMatchObject({ state: "ready", to: "elodie@example.com", locale: "fr" });
    expect(view!.preview!.withCode.subject).toMatch(/^Toutes nos excuses pour votre commande #\d+$/);
    expect(view!.preview!.withCode.text).toContain("Bonjour Élodie,");
    expect(view!.preview!.withCode.text).toContain("SORRY-XXXXXXXX");
    expect(view!.preview!.withoutCode.text).not.toContain("SORRY");

    const { code } = await sendApology(shop, caseId, "Staff 42", { withCode: true });
    expect(code).toMatch(/^SORRY-[A-HJ-NP-Z2-9]{8}$/);
    await expect(sendApology(shop, caseId, "Staff 42", { withCode: false })).rejects.toThrow(
      new ApologyRefusedError("An apology was already sent for this case."),
    );

    const before = mailsTo("elodie@example.com").length;
    const admin = adminWithDiscounts();
    await runDueActions(deps(admin.graphql), { shop });
    const create = admin.calls.find((c) => c.query.includes("discountCodeBasicCreate"))!;
    expect(create.variables!.basicCodeDiscount).toMatchObject({
      code,
      context: { customers: { add: [`gid://shopify/Customer/${CUSTOMER}`] } },
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerGets: { value: { percentage: 0.15 } },
    });
    const mail = mailsTo("elodie@example.com").slice(before);
    expect(mail).toHaveLength(1);
    expect(String(mail[0]!.subject)).toMatch(/^Toutes nos excuses/);
    expect(String(mail[0]!.text)).toContain(`avec le code ${code}`);
    expect(JSON.stringify(mail[0]!.replyTo)).toContain("care@shop.example");
    // A retry of the actions sends nothing more.
    await runDueActions(deps(admin.graphql), { shop, now: new Date(Date.now() + 3 * 3_600_000) });
    expect(mailsTo("elodie@example.com").length).toBe(before + 1);

    const events = await prisma.caseEvent.findMany({ where: { caseId, field: "apology" } });
    expect(events).toMatchObject([{ actor: "Staff 42", toValue: `sent with code ${code}` }]);

    // She orders again with the code: the case and the Overview see the win-back.
    await order(shop, (p) => {
      p.discount_codes = [{ code: code!.toLowerCase(), amount: "9.00", type: "percentage" }];
    });
    const after = await loadApology(shop, caseId);
    expect(after!.sent).toMatchObject({ code, codeStatus: "ACTIVE", emailStatus: "DONE", usedOn: expect.any(String) });
    expect(await loadAdvocacyFunnel(shop)).toMatchObject({ apologyCodes: 1, apologyCodesUsed: 1, referralOrders: 0 });
  });

  it("sends no email when the code cannot be made in Shopify, and says so on the case", async () => {
    const shop = uniqueShop();
    const caseId = await detractorCase(shop);
    const before = mailsTo("elodie@example.com").length;
    await sendApology(shop, caseId, "Staff 1", { withCode: true });
    await runDueActions(deps(null), { shop });
    expect(mailsTo("elodie@example.com").length).toBe(before);
    expect((await loadApology(shop, caseId))!.sent).toMatchObject({ codeStatus: "FAILED", emailStatus: "SKIPPED" });
  });

  it("refuses a guest, an unsubscribed customer, an erased one and another shop's case, changing nothing", async () => {
    const guestShop = uniqueShop();
    const guestCase = await detractorCase(guestShop, (p) => {
      p.customer = null;
    });
    expect(await loadApology(guestShop, guestCase)).toMatchObject({ state: "unavailable" });
    await expect(sendApology(guestShop, guestCase, "x", { withCode: true })).rejects.toThrow(
      "The answer came from a guest checkout without a customer to write to.",
    );

    const shop = uniqueShop();
    const caseId = await detractorCase(shop);
    await prisma.emailSuppression.create({ data: { shop, email: "elodie@example.com" } });
    await expect(sendApology(shop, caseId, "x", { withCode: true })).rejects.toThrow(
      "The customer asked for no more emails from this shop.",
    );
    await prisma.emailSuppression.deleteMany({ where: { shop } });
    await prisma.customer.updateMany({ where: { shop }, data: { redactedAt: new Date(), email: null } });
    await expect(sendApology(shop, caseId, "x", { withCode: false })).rejects.toThrow(
      "The customer's data was erased at their request.",
    );

    const other = uniqueShop();
    await expect(sendApology(other, caseId, "x", { withCode: true })).rejects.toThrow(
      `No case ${caseId} in this shop.`,
    );
    expect(await loadApology(other, caseId)).toBeNull();
    for (const s of [guestShop, shop, other]) {
      expect(await prisma.discountCode.count({ where: { shop: s } })).toBe(0);
      expect(await prisma.answerAction.count({ where: { shop: s, kind: "APOLOGY_EMAIL" } })).toBe(0);
    }
  });

  it("sends nothing to a customer who unsubscribed after the apology was written, and drops its code", async () => {
    const shop = uniqueShop();
    const caseId = await detractorCase(shop);
    await sendApology(shop, caseId, "Staff 1", { withCode: true });
    await prisma.emailSuppression.create({ data: { shop, email: "elodie@example.com" } });
    const before = mailsTo("elodie@example.com").length;
    const admin = adminWithDiscounts();
    await runDueActions(deps(admin.graphql), { shop });
    expect(mailsTo("elodie@example.com").length).toBe(before);
    expect(admin.calls.filter((c) => c.query.includes("discountCodeBasicCreate"))).toHaveLength(0);
    expect((await loadApology(shop, caseId))!.sent).toMatchObject({ codeStatus: "FAILED", emailStatus: "SKIPPED" });
    expect((await loadAdvocacyFunnel(shop)).apologyCodes).toBe(0);
  });

  it("refuses placeholders a template cannot fill, field by field, keeping the wording as it was", async () => {
    const shop = uniqueShop();
    await detractorCase(shop);
    const result = await saveAdvocacySettings(shop, {
      apology: {
        templates: { en: { subject: "Sorry: {offer}", body: "Use {code} for {discount} off until {valid_until}." } },
      },
    });
    expect(result.ok ? {} : result.errors).toEqual({
      "apology.templates.en.subject": "{offer} is not filled in here: use {first_name}, {order}, {shop}",
      "apology.templates.en.body":
        "{code} is not filled in here: use {greeting}, {first_name}, {order}, {shop}, {offer}",
    });
    expect(
      readSettings((await prisma.shop.findUniqueOrThrow({ where: { domain: shop } })).settings).advocacy.apology
        .templates,
    ).toEqual({});
  });

  it("is sent from the case page, and the page answers a refusal with its reason", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    const caseId = await detractorCase(shop);
    const request = (form?: Record<string, string>) =>
      new Request(`${APP_URL}/app/cases/${caseId}?shop=${shop}&embedded=1`, {
        method: form ? "POST" : "GET",
        body: form ? new URLSearchParams(form) : undefined,
        headers: { authorization: `Bearer ${sessionToken(shop)}` },
      });
    const page = await caseLoader({ request: request(), params: { id: String(caseId) }, context: {} });
    expect(page.apology).toMatchObject({ state: "ready", discount: expect.stringMatching(/^15\s%$/u) });
    const sent = await callAction(casePage, request({ intent: "apology" }), { id: String(caseId) });
    expect(sent.status).toBe(200);
    expect(await sent.json()).toEqual({ ok: true, message: "Apology on its way." });
    const again = await callAction(casePage, request({ intent: "apology", withCode: "on" }), { id: String(caseId) });
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ ok: false, errors: { form: "An apology was already sent for this case." } });
    expect(await prisma.discountCode.count({ where: { shop } })).toBe(0);
  });
});
