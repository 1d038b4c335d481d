import prisma from "../db.server";
import { categoryForScore } from "../domain/score";
import { readSettings } from "../domain/settings";
import { shareStepFor } from "../domain/advocacy";
import { chooseLocale, type ShopperLocale } from "../domain/shopper-locales";
import { followUpQuestion } from "../domain/shopper-texts";
import type { Channel, ScoreCategory, SurveyStage } from "../generated/prisma/enums";
import { hashToken, looksLikeToken } from "../lib/tokens";
import { wake } from "../workers/wake.server";
import { recordAnswerActions } from "./answer-actions.server";
import { recordWebhookEvents } from "./webhooks.server";
import { requestReferralCode, requestShareEmail } from "./advocacy.server";
import { recordKlaviyoEvent } from "../integrations/klaviyo.server";
import { openCaseForAnswer } from "./cases.server";
import { noteAnswerUsage } from "./billing.server";
import { findTestSurvey, recordTestAnswer } from "./setup.server";

export interface OpenSurvey {
  invitationId: number;
  shop: string;
  shopName: string;
  orderName: string;
  stage: SurveyStage;
  locale: ShopperLocale;
  /** The follow-up question per category, in the shopper's language, with the merchant's wording. */
  questions: Record<ScoreCategory, string>;
  answer: { score: number; comment: string | null } | null;
  /** The merchant's test survey (setup guide): its answer is kept with the setup, not here. */
  test?: boolean;
}

export type SurveyLookup =
  | { state: "open"; survey: OpenSurvey }
  | { state: "closed"; locale: ShopperLocale; shopName: string }
  | { state: "unknown" };

/** The survey an emailed token opens, scoped to the shop the request came through. */
export async function findSurveyByToken(shop: string, token: string, now: Date = new Date()): Promise<SurveyLookup> {
  if (!looksLikeToken(token)) return { state: "unknown" };
  const inv = await prisma.surveyInvitation.findUnique({
    where: { tokenHash: hashToken(token) },
    include: {
      order: { select: { name: true } },
      shopRef: { select: { name: true, primaryLocale: true, settings: true } },
      response: { select: { score: true, comment: true } },
    },
  });
  if (!inv) {
    const test = await findTestSurvey(shop, token);
    return test ? { state: "open", survey: test } : { state: "unknown" };
  }
  if (inv.shop !== shop) return { state: "unknown" };
  const locale = chooseLocale(inv.locale, inv.shopRef.primaryLocale);
  const shopName = inv.shopRef.name ?? shop.replace(/\.myshopify\.com$/, "");
  if (["EXPIRED", "CANCELLED"].includes(inv.status) || inv.expiresAt <= now) {
    return { state: "closed", locale, shopName };
  }
  const settings = readSettings(inv.shopRef.settings);
  return {
    state: "open",
    survey: {
      invitationId: inv.id,
      shop,
      shopName,
      orderName: inv.order.name,
      stage: inv.stage,
      locale,
      questions: {
        PROMOTER: followUpQuestion(settings, locale, "PROMOTER"),
        PASSIVE: followUpQuestion(settings, locale, "PASSIVE"),
        DETRACTOR: followUpQuestion(settings, locale, "DETRACTOR"),
      },
      answer: inv.response ? { score: inv.response.score, comment: inv.response.comment } : null,
    },
  };
}

/**
 * Records the answer for the invitation's order and stage, or edits it: one answer per
 * (order, stage), whatever the channel. `comment: undefined` keeps the stored comment.
 * The invitation becomes ANSWERED, which withdraws it from every other channel.
 * Returns `{ closed: true }`, recording nothing, when the survey expired or was cancelled.
 */
export async function recordAnswer(input: {
  invitationId: number;
  score: number;
  comment?: string | null;
  channel: Channel;
  locale: ShopperLocale;
  now?: Date;
}) {
  const now = input.now ?? new Date();
  const category = categoryForScore(input.score);
  const result = await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<
      Array<{
        id: number;
        shop: string;
        order_id: number;
        customer_id: number | null;
        stage: SurveyStage;
        status: string;
      }>
    >`
      SELECT id, shop, order_id, customer_id, stage, status::text FROM survey_invitations
      WHERE id = ${input.invitationId} AND status NOT IN ('EXPIRED', 'CANCELLED') AND expires_at > ${now}
      FOR UPDATE`;
    const inv = rows[0];
    if (!inv) return { closed: true } as const;
    const settings = readSettings((await tx.shop.findUniqueOrThrow({ where: { domain: inv.shop } })).settings);
    const question = followUpQuestion(settings, input.locale, category);
    const keepComment = input.comment === undefined;
    const previous = await tx.$queryRaw<Array<{ score: number }>>`
      SELECT score FROM responses WHERE order_id = ${inv.order_id} AND stage = ${inv.stage}::"SurveyStage" FOR UPDATE`;
    const response = await tx.$queryRaw<Array<{ id: number; created: boolean }>>`
      INSERT INTO responses (shop, invitation_id, order_id, customer_id, stage, score, category, follow_up_question,
                             comment, channel, locale, answered_at, updated_at)
      VALUES (${inv.shop}, ${inv.id}, ${inv.order_id}, ${inv.customer_id}, ${inv.stage}::"SurveyStage", ${input.score},
              ${category}::"ScoreCategory", ${question}, ${input.comment ?? null}, ${input.channel}::"Channel",
              ${input.locale}, ${now}, ${now})
      ON CONFLICT (order_id, stage) DO UPDATE SET
        score = EXCLUDED.score,
        category = EXCLUDED.category,
        follow_up_question = EXCLUDED.follow_up_question,
        comment = CASE WHEN ${keepComment} THEN responses.comment ELSE EXCLUDED.comment END,
        channel = EXCLUDED.channel,
        locale = EXCLUDED.locale,
        invitation_id = COALESCE(responses.invitation_id, EXCLUDED.invitation_id),
        updated_at = EXCLUDED.updated_at
      RETURNING id, (xmax = 0) AS created`;
    await tx.$executeRaw`
      UPDATE survey_invitations SET status = 'ANSWERED', channel = COALESCE(channel, ${input.channel}::"Channel"),
             updated_at = now()
      WHERE id = ${inv.id}`;
    const responseId = response[0]!.id;
    if (response[0]!.created) await noteAnswerUsage(tx, inv.shop, now);
    const followUp = await openCaseForAnswer(tx, {
      responseId,
      score: input.score,
      previousScore: previous[0]?.score ?? null,
    });
    await recordAnswerActions(tx, responseId);
    await recordWebhookEvents(tx, response[0]!.created ? "answer.created" : "answer.updated", [{ responseId }]);
    await recordKlaviyoEvent(tx, responseId);
    if (category === "PROMOTER" && settings.advocacy.referral.enabled) {
      await requestReferralCode(tx, {
        shop: inv.shop,
        responseId,
        customerId: inv.customer_id,
        terms: settings.advocacy.referral,
      });
    }
    const offered = shareStepFor(category, settings.advocacy);
    // Never a public site's review by email: mailing promoters only would be review gating.
    if (category === "PROMOTER" && settings.advocacy.shareEmail && (offered.referral || offered.review === "product")) {
      await requestShareEmail(tx, { shop: inv.shop, responseId });
    }
    return {
      closed: false,
      responseId,
      created: response[0]!.created,
      category,
      caseId: followUp?.caseId ?? null,
    } as const;
  });
  // Alerts, tags and the Flow trigger go out after the answer is safely stored; its comment's
  // themes are found beside them.
  if (!result.closed) {
    wake("actions");
    wake("themes");
  }
  return result;
}

/** The shopper behind a token asks for no more survey emails from this shop. */
/**
 * An answer given through an emailed link: a shopper's is recorded like any other; the
 * merchant's test survey is kept with the setup guide.
 */
export async function recordAnswerByLink(
  survey: OpenSurvey,
  token: string,
  input: { score: number; comment?: string | null; channel: Channel },
): Promise<{ closed: boolean }> {
  if (survey.test) {
    return { closed: !(await recordTestAnswer(survey.shop, token, { score: input.score, comment: input.comment })) };
  }
  return recordAnswer({ invitationId: survey.invitationId, ...input, locale: survey.locale });
}

export async function unsubscribeByToken(shop: string, token: string): Promise<"done" | "unknown"> {
  if (!looksLikeToken(token)) return "unknown";
  const inv = await prisma.surveyInvitation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { shop: true, email: true },
  });
  // The merchant's test survey shows what a shopper sees, and suppresses nothing.
  if (!inv) return (await findTestSurvey(shop, token)) ? "done" : "unknown";
  if (inv.shop !== shop || !inv.email) return "unknown";
  await prisma.$executeRaw`
    INSERT INTO email_suppressions (shop, email) VALUES (${shop}, ${inv.email.toLowerCase()})
    ON CONFLICT (shop, email) DO NOTHING`;
  return "done";
}
