import { z } from "zod";
import prisma from "../db.server";
import { surveyPalette } from "../domain/brand";
import { readSettings } from "../domain/settings";
import { chooseLocale } from "../domain/shopper-locales";
import { followUpQuestion } from "../domain/shopper-texts";
import { renderInvitationEmail } from "../email/invitation-email";
import { type Mailer, mailer as defaultMailer, SHOP_HEADER } from "../email/mailer.server";
import { shopDate } from "../domain/time-zone";
import { env } from "../env.server";
import { hashToken, looksLikeToken, newToken } from "../lib/tokens";
import { logger } from "../logger.server";
import type { OpenSurvey } from "./answers.server";
import { readShopBrand } from "./brand.server";

/** Where the app saw its surveys render: the setup guide's proof that each is in place. */
export type SeenChannel = "EMBED" | "THANK_YOU" | "ORDER_STATUS";

const SEEN_COLUMN: Record<SeenChannel, string> = {
  EMBED: "embed_seen_at",
  THANK_YOU: "thank_you_seen_at",
  ORDER_STATUS: "order_status_seen_at",
};

const NOTE_EVERY_MS = 3_600_000;
/** When this process last noted each shop's surface: most page views then touch no row at all. */
const lastNoted = new Map<string, number>();

/**
 * Notes that a storefront or checkout surface called the app. At most one write an hour per
 * shop and surface: these calls come with shoppers' page views.
 */
export async function noteChannelSeen(shop: string, channel: SeenChannel, now: Date = new Date()): Promise<void> {
  const key = `${shop}|${channel}`;
  if (now.getTime() - (lastNoted.get(key) ?? 0) < NOTE_EVERY_MS) return;
  lastNoted.set(key, now.getTime());
  const column = SEEN_COLUMN[channel];
  try {
    await prisma.$executeRawUnsafe(
      `INSERT INTO shop_setup (shop, ${column}, updated_at)
       SELECT domain, $2, $2 FROM shops WHERE domain = $1
       ON CONFLICT (shop) DO UPDATE SET ${column} = $2, updated_at = $2
       WHERE shop_setup.${column} IS NULL OR shop_setup.${column} < $2 - interval '1 hour'`,
      shop,
      now,
    );
  } catch (error) {
    // A shopper's survey never fails for the guide's sake.
    logger.warn({ shop, channel, err: (error as Error).message }, "could not note a survey surface as seen");
  }
}

export type StepState = "done" | "running" | "todo" | "failed";

export interface SetupStep {
  key: "history" | "embed" | "checkout" | "settings" | "test";
  state: StepState;
  /** What the app observed, for the merchant: when, how far, which address. */
  detail: string | null;
}

export interface SetupGuide {
  steps: SetupStep[];
  done: number;
  dismissed: boolean;
  /** The address the test survey goes to (the shop's email in Shopify), if known. */
  shopEmail: string | null;
  test: { sentTo: string | null; score: number | null; comment: string | null };
  links: { themeEditor: string; thankYouEditor: string; orderStatusEditor: string };
}

/** The embed's handle in the theme app extension (extensions/nps-storefront/blocks/embed.liquid). */
const EMBED_HANDLE = "embed";

/** Each setup step with its real state, and the links that get each done. */
export async function loadSetupGuide(shop: string): Promise<SetupGuide> {
  const [shopRow, setup, latest] = await Promise.all([
    prisma.shop.findUnique({ where: { domain: shop }, select: { email: true, timezone: true } }),
    prisma.shopSetup.findUnique({ where: { shop } }),
    prisma.historyImport.findFirst({ where: { shop }, orderBy: { startedAt: "desc" } }),
  ]);
  const when = (d: Date) => shopDate(d.toISOString(), shopRow?.timezone);
  const history: SetupStep = !latest
    ? { key: "history", state: "todo", detail: null }
    : latest.status === "COMPLETED"
      ? { key: "history", state: "done", detail: `${latest.ordersDone.toLocaleString("en")} orders` }
      : latest.status === "FAILED"
        ? { key: "history", state: "failed", detail: null }
        : {
            key: "history",
            state: "running",
            detail:
              latest.expectedRows && latest.expectedRows > 0
                ? `${Math.min(99, Math.floor((latest.rowsDone / latest.expectedRows) * 100))} %`
                : `${latest.ordersDone.toLocaleString("en")} orders so far`,
          };
  const checkoutSeen = [setup?.thankYouSeenAt, setup?.orderStatusSeenAt].filter((d): d is Date => !!d);
  const steps: SetupStep[] = [
    history,
    {
      key: "embed",
      state: setup?.embedSeenAt ? "done" : "todo",
      detail: setup?.embedSeenAt ? when(setup.embedSeenAt) : null,
    },
    {
      key: "checkout",
      state: checkoutSeen.length === 2 ? "done" : checkoutSeen.length === 1 ? "running" : "todo",
      detail: setup?.thankYouSeenAt
        ? setup.orderStatusSeenAt
          ? "thank-you and order status pages"
          : "thank-you page; order status page not yet"
        : setup?.orderStatusSeenAt
          ? "order status page; thank-you page not yet"
          : null,
    },
    {
      key: "settings",
      state: setup?.settingsSavedAt ? "done" : "todo",
      detail: setup?.settingsSavedAt ? when(setup.settingsSavedAt) : null,
    },
    {
      key: "test",
      state: setup?.testAnsweredAt ? "done" : setup?.testSentAt ? "running" : "todo",
      detail: setup?.testAnsweredAt ? when(setup.testAnsweredAt) : setup?.testSentAt ? when(setup.testSentAt) : null,
    },
  ];
  const store = shop.replace(/\.myshopify\.com$/, "");
  const admin = `https://admin.shopify.com/store/${encodeURIComponent(store)}`;
  const apiKey = env().SHOPIFY_API_KEY ?? "";
  return {
    steps,
    done: steps.filter((s) => s.state === "done").length,
    dismissed: !!setup?.dismissedAt,
    shopEmail: shopRow?.email ?? null,
    test: { sentTo: setup?.testSentTo ?? null, score: setup?.testScore ?? null, comment: setup?.testComment ?? null },
    links: {
      // Shopify's deep link that opens the theme editor with the app embed switched on.
      themeEditor: `${admin}/themes/current/editor?context=apps&activateAppId=${encodeURIComponent(apiKey)}/${EMBED_HANDLE}`,
      thankYouEditor: `${admin}/settings/checkout/editor?page=thank-you&context=apps`,
      orderStatusEditor: `${admin}/settings/checkout/editor?page=order-status&context=apps`,
    },
  };
}

export async function setSetupGuideDismissed(shop: string, dismissed: boolean): Promise<void> {
  const dismissedAt = dismissed ? new Date() : null;
  await prisma.shopSetup.upsert({ where: { shop }, create: { shop, dismissedAt }, update: { dismissedAt } });
}

export class NoShopEmailError extends Error {}

/**
 * Emails the merchant the survey their shoppers get, in the shop's language, with a fresh
 * link each time (an earlier test link stops working). The answer is kept with the setup,
 * never among the shop's answers.
 */
export async function sendTestSurvey(shop: string, deps: { mailer?: Mailer } = {}): Promise<{ sentTo: string }> {
  const row = await prisma.shop.findUniqueOrThrow({
    where: { domain: shop },
    select: { email: true, name: true, primaryLocale: true, settings: true, brand: true },
  });
  const to = z.email().safeParse(row.email);
  if (!to.success) {
    throw new NoShopEmailError(
      "The shop has no email address in Shopify (Settings → General → Store contact details), so the test has nowhere to go.",
    );
  }
  const { token, hash } = newToken();
  const shopName = row.name ?? shop.replace(/\.myshopify\.com$/, "");
  const settings = readSettings(row.settings);
  const email = renderInvitationEmail({
    shopDomain: shop,
    shopName,
    orderName: "#TEST",
    stage: "PRE_DELIVERY",
    locale: chooseLocale(null, row.primaryLocale),
    token,
    palette: surveyPalette(readShopBrand(row.brand), settings.branding),
  });
  await (deps.mailer ?? defaultMailer()).send({
    from: { name: settings.senderName ?? shopName, address: env().MAIL_FROM },
    to: to.data,
    subject: `[Test] ${email.subject}`,
    text: email.text,
    html: email.html,
    headers: { [SHOP_HEADER]: shop },
  });
  const now = new Date();
  await prisma.shopSetup.upsert({
    where: { shop },
    create: { shop, testTokenHash: hash, testSentTo: to.data, testSentAt: now },
    update: {
      testTokenHash: hash,
      testSentTo: to.data,
      testSentAt: now,
      testAnsweredAt: null,
      testScore: null,
      testComment: null,
    },
  });
  return { sentTo: to.data };
}

/** The survey a test link opens, shaped like a shopper's; null when the token is not this shop's test. */
export async function findTestSurvey(shop: string, token: string): Promise<OpenSurvey | null> {
  if (!looksLikeToken(token)) return null;
  const setup = await prisma.shopSetup.findUnique({
    where: { testTokenHash: hashToken(token) },
    include: { shopRef: { select: { name: true, primaryLocale: true, settings: true } } },
  });
  if (!setup || setup.shop !== shop) return null;
  const locale = chooseLocale(null, setup.shopRef.primaryLocale);
  const settings = readSettings(setup.shopRef.settings);
  return {
    invitationId: 0,
    test: true,
    shop,
    shopName: setup.shopRef.name ?? shop.replace(/\.myshopify\.com$/, ""),
    orderName: "#TEST",
    stage: "PRE_DELIVERY",
    locale,
    questions: {
      PROMOTER: followUpQuestion(settings, locale, "PROMOTER"),
      PASSIVE: followUpQuestion(settings, locale, "PASSIVE"),
      DETRACTOR: followUpQuestion(settings, locale, "DETRACTOR"),
    },
    answer: setup.testScore === null ? null : { score: setup.testScore, comment: setup.testComment },
  };
}

/** Keeps the merchant's test answer with the setup; false when the link is no longer the current test. */
export async function recordTestAnswer(
  shop: string,
  token: string,
  answer: { score: number; comment?: string | null },
): Promise<boolean> {
  const updated = await prisma.shopSetup.updateMany({
    where: { shop, testTokenHash: hashToken(token) },
    data: {
      testScore: answer.score,
      ...(answer.comment !== undefined ? { testComment: answer.comment } : {}),
      testAnsweredAt: new Date(),
    },
  });
  return updated.count === 1;
}
