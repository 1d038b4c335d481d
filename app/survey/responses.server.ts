import { SHOPPER_TEXTS } from "../domain/shopper-texts";
import { loadShareStep } from "../models/advocacy.server";
import { loadSurveyPalette } from "../models/brand.server";
import { findSurveyByToken, type OpenSurvey } from "../models/answers.server";
import { ProxyAuthError, verifyAppProxy } from "../proxy.server";
import { actionsRunSomewhere } from "../workers/wake.server";
import { renderMessagePage, renderSurveyPage } from "./page";

// Shopify renders application/liquid answers of the App Proxy inside the shop's theme.
export const liquid = (body: string, status = 200) =>
  new Response(body, { status, headers: { "Content-Type": "application/liquid; charset=utf-8" } });

/** The answer to a request that did not come signed through the shop's App Proxy, or came malformed. */
export const refused = (error: ProxyAuthError) =>
  error.status === 400
    ? new Response(error.message, { status: 400 })
    : new Response("This page must be opened through the shop's website.", { status: 401 });

export type SurveyView =
  { status: number; score: number | null; comment: string | null; error?: string; saved?: boolean } | "closed";

/** How long an answer's page waits for a promoter's new referral code before saying it is on its way. */
const CODE_WAIT_MS = 3000;

/**
 * The frame of every survey page: verify the App Proxy signature (401 and nothing read or
 * written otherwise), find the open survey for the token (friendly 404 or 410 pages), then
 * let `view` decide what to show.
 */
export async function surveyPage(
  request: Request,
  token: string,
  view: (survey: OpenSurvey) => Promise<SurveyView>,
): Promise<Response> {
  let shop: string;
  let pathPrefix: string;
  try {
    ({ shop, pathPrefix } = await verifyAppProxy(request));
  } catch (error) {
    if (error instanceof ProxyAuthError) return refused(error);
    throw error;
  }
  const found = await findSurveyByToken(shop, token);
  if (found.state === "unknown") return liquid(renderMessagePage("en", SHOPPER_TEXTS.en.notFound), 404);
  if (found.state === "closed") {
    return liquid(renderMessagePage(found.locale, SHOPPER_TEXTS[found.locale].expired), 410);
  }
  const result = await view(found.survey);
  if (result === "closed") {
    return liquid(renderMessagePage(found.survey.locale, SHOPPER_TEXTS[found.survey.locale].expired), 410);
  }
  const action = `${pathPrefix}/s/${encodeURIComponent(token)}`;
  // After an answer (or on coming back to it): the share step, if the shop offers one.
  const share =
    result.status === 200 && (result.saved || found.survey.answer)
      ? await loadShareStep({
          shop,
          invitationId: found.survey.invitationId,
          locale: found.survey.locale,
          linkBase: `https://${shop}${pathPrefix}`,
          // Only where some process will create it: otherwise waiting changes nothing.
          waitMs: result.saved && actionsRunSomewhere() ? CODE_WAIT_MS : 0,
        })
      : null;
  const palette = await loadSurveyPalette(shop);
  return liquid(renderSurveyPage(found.survey, { ...result, action, share, palette }), result.status);
}
