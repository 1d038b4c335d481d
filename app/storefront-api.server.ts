import { z } from "zod";
import { CommentSchema, FormScoreSchema, ScoreSchema } from "./domain/score";
import { findSurveyByToken, recordAnswer, recordAnswerByLink } from "./models/answers.server";
import { noteChannelSeen } from "./models/setup.server";
import { loadSurveyPalette } from "./models/brand.server";
import type { SurveyPalette } from "./domain/brand";
import { findOnSiteSurvey, findPendingOrderForCustomer } from "./models/onsite-surveys.server";
import { SHOPPER_TEXTS, fill } from "./domain/shopper-texts";
import { ProxyAuthError, verifyAppProxy } from "./proxy.server";
import { loadShareStep } from "./models/advocacy.server";
import { actionsRunSomewhere } from "./workers/wake.server";

// JSON for the theme app extension's block and embed, through the App Proxy
// (https://<shop>/apps/nps/api/...): signed by Shopify, so the shop and the logged-in
// customer can be trusted; the survey token is the shopper's proof for the block.

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

// JSON answers carry the score as a number, forms as its digits: nothing else is a score.
const AnswerSchema = z.object({ score: ScoreSchema, comment: CommentSchema.optional() });
const FormAnswerSchema = z.object({ score: FormScoreSchema, comment: CommentSchema.optional() });
const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{32}$/, "token must be the 32-character code from the survey link");

async function body(request: Request): Promise<{ input: Record<string, unknown>; form: boolean }> {
  if (request.headers.get("content-type")?.includes("application/json")) {
    const parsed = (await request.json().catch(() => null)) as unknown;
    const input = parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
    return { input: input as Record<string, unknown>, form: false };
  }
  return { input: Object.fromEntries(await request.formData()), form: true };
}

/** The answer in a POST, or a 400 that names the field at fault. */
function parseAnswer({ input, form }: { input: Record<string, unknown>; form: boolean }) {
  const parsed = (form ? FormAnswerSchema : AnswerSchema).safeParse(input);
  if (parsed.success) return { answer: parsed.data } as const;
  const issue = parsed.error.issues[0]!;
  return { refusal: json({ error: `${issue.path.join(".") || "body"}: ${issue.message}` }, 400) } as const;
}

async function verified<T>(request: Request, run: (ctx: Awaited<ReturnType<typeof verifyAppProxy>>) => Promise<T>) {
  try {
    return await run(await verifyAppProxy(request));
  } catch (error) {
    if (error instanceof ProxyAuthError) {
      return error.status === 400
        ? json({ error: error.message }, 400)
        : json({ error: "This must be requested through the shop." }, 401);
    }
    throw error;
  }
}

/** The block's colours: the shop's accent and the text on it, checked for contrast on its white card. */
const surveyStyle = (palette: SurveyPalette) => ({ accent: palette.accent, onAccent: palette.onAccent });

/** GET ?token= : the survey of an emailed link, for the app block. POST {token, score, comment}: answer it. */
export function tokenSurvey(request: Request) {
  return verified(request, async ({ shop, pathPrefix }) => {
    const posted = request.method === "POST" ? await body(request) : null;
    const input = posted?.input ?? Object.fromEntries(new URL(request.url).searchParams);
    const token = TokenSchema.safeParse(input.token);
    if (!token.success) return json({ error: token.error.issues[0]!.message }, 400);
    const found = await findSurveyByToken(shop, token.data);
    if (found.state === "unknown") return json({ error: SHOPPER_TEXTS.en.notFound }, 404);
    if (found.state === "closed") return json({ error: SHOPPER_TEXTS[found.locale].expired }, 410);
    const s = found.survey;
    const t = SHOPPER_TEXTS[s.locale];
    const style = surveyStyle(await loadSurveyPalette(shop));
    const view = () => ({
      state: "open",
      stage: s.stage,
      locale: s.locale,
      style,
      texts: {
        question: fill(t.question, { shop: s.shopName }),
        notLikely: t.notLikely,
        veryLikely: t.veryLikely,
        followUp: s.questions,
        commentHint: t.commentHint,
        send: t.send,
        thanks: t.thanks,
      },
    });
    const share = (justAnswered: boolean) =>
      loadShareStep({
        shop,
        invitationId: s.invitationId,
        locale: s.locale,
        linkBase: `https://${shop}${pathPrefix}`,
        waitMs: justAnswered && actionsRunSomewhere() ? 3000 : 0,
      });
    if (!posted) return json({ ...view(), answer: s.answer, share: s.answer ? await share(false) : null });
    const { answer, refusal } = parseAnswer(posted);
    if (refusal) return refusal;
    const saved = await recordAnswerByLink(s, token.data, {
      score: answer.score,
      comment: "comment" in input ? answer.comment : undefined,
      channel: "STOREFRONT",
    });
    if (saved.closed) return json({ error: t.expired }, 410);
    return json({
      ...view(),
      answer: { score: answer.score, comment: answer.comment ?? s.answer?.comment ?? null },
      share: await share(true),
    });
  });
}

/** GET: the logged-in customer's open survey, for the app embed. POST {score, comment}: answer it. */
export function customerSurvey(request: Request) {
  return verified(request, async ({ shop, loggedInCustomerId, pathPrefix }) => {
    // The embed calls this on every page it is on (in the theme editor too): the setup guide's proof.
    await noteChannelSeen(shop, "EMBED");
    if (!loggedInCustomerId || !/^\d+$/.test(loggedInCustomerId))
      return json({ state: "none", reason: "not-logged-in" });
    const customerId = BigInt(loggedInCustomerId);
    const answering = request.method === "POST";
    const orderId = await findPendingOrderForCustomer(shop, customerId, new Date(), { answering });
    if (orderId === null) {
      // An answer with no survey left to take it is refused, never thanked for.
      return answering
        ? json({ error: SHOPPER_TEXTS.en.expired }, 410)
        : json({ state: "none", reason: "nothing-pending" });
    }
    const lookup = () =>
      findOnSiteSurvey({ shop, shopifyOrderId: orderId, channel: "STOREFRONT", customerId, answering });
    const survey = await lookup();
    if (survey.state !== "open" || request.method !== "POST") {
      return json(
        survey.state === "open"
          ? { ...survey, invitationId: undefined, style: surveyStyle(await loadSurveyPalette(shop)) }
          : survey,
      );
    }
    const { answer, refusal } = parseAnswer(await body(request));
    if (refusal) return refusal;
    const saved = await recordAnswer({
      invitationId: survey.invitationId,
      score: answer.score,
      comment: answer.comment,
      channel: "STOREFRONT",
      locale: survey.locale,
    });
    if (saved.closed) return json({ error: SHOPPER_TEXTS[survey.locale].expired }, 410);
    const share = await loadShareStep({
      shop,
      invitationId: survey.invitationId,
      locale: survey.locale,
      linkBase: `https://${shop}${pathPrefix}`,
      waitMs: actionsRunSomewhere() ? 3000 : 0,
    });
    return json({ state: "answered", share });
  });
}
