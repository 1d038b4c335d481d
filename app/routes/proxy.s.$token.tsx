import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { CommentSchema, FormScoreSchema } from "../domain/score";
import { SHOPPER_TEXTS } from "../domain/shopper-texts";
import { recordAnswerByLink } from "../models/answers.server";
import { surveyPage } from "../survey/responses.server";

// GET never records anything: mail scanners open every link in an email. The score in the
// link is only preselected; the shopper's "Send" (a POST) records it.
export const loader = async ({ request, params }: LoaderFunctionArgs) =>
  surveyPage(request, params.token ?? "", async (survey) => {
    const raw = new URL(request.url).searchParams.get("score");
    const score = raw === null ? null : FormScoreSchema.safeParse(raw);
    return {
      status: 200,
      score: score?.success ? score.data : (survey.answer?.score ?? null),
      comment: survey.answer?.comment ?? null,
    };
  });

const AnswerFormSchema = z.object({ score: FormScoreSchema, comment: CommentSchema.optional() });

export const action = async ({ request, params }: ActionFunctionArgs) =>
  surveyPage(request, params.token ?? "", async (survey) => {
    const form = Object.fromEntries(await request.formData());
    const parsed = AnswerFormSchema.safeParse(form);
    if (!parsed.success) {
      const raw = FormScoreSchema.safeParse(form.score);
      return {
        status: 400,
        score: raw.success ? raw.data : null,
        comment: typeof form.comment === "string" ? form.comment : null,
        error: parsed.error.issues[0]?.message ?? SHOPPER_TEXTS[survey.locale].scoreLabel,
      };
    }
    const saved = await recordAnswerByLink(survey, params.token ?? "", {
      score: parsed.data.score,
      comment: "comment" in form ? parsed.data.comment : undefined,
      channel: "STOREFRONT",
    });
    if (saved.closed) return "closed";
    return { status: 200, score: parsed.data.score, comment: parsed.data.comment ?? null, saved: true };
  });
