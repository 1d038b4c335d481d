import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import { escapeHtml as e } from "../lib/html";
import { unsubscribeByAnswerLink } from "../models/advocacy.server";
import { findSurveyByToken, unsubscribeByToken } from "../models/answers.server";
import { ProxyAuthError, verifyAppProxy } from "../proxy.server";
import { renderMessagePage } from "../survey/page";
import { liquid, refused } from "../survey/responses.server";

async function context(request: Request, token: string) {
  const { shop, pathPrefix } = await verifyAppProxy(request);
  // A share email's link is signed for its answer rather than a survey token.
  const byAnswer = await unsubscribeByAnswerLink(shop, token, false);
  if (byAnswer) {
    const action = `${pathPrefix}/unsubscribe/${encodeURIComponent(token)}`;
    return { shop, ...byAnswer, action, texts: SHOPPER_TEXTS[byAnswer.locale] };
  }
  const found = await findSurveyByToken(shop, token);
  const locale = found.state === "open" ? found.survey.locale : found.state === "closed" ? found.locale : "en";
  const shopName = found.state === "open" ? found.survey.shopName : found.state === "closed" ? found.shopName : shop;
  const action = `${pathPrefix}/unsubscribe/${encodeURIComponent(token)}`;
  return { shop, locale, shopName, action, texts: SHOPPER_TEXTS[locale] };
}

// GET asks for confirmation (mail scanners follow links); the button, or a mail program's
// one-click List-Unsubscribe POST (RFC 8058), unsubscribes.
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  try {
    const { locale, shopName, action, texts } = await context(request, params.token ?? "");
    return liquid(
      `<div class="nps" lang="${locale}"><form method="post" action="${e(action)}"><p><button type="submit">${e(
        fill(texts.unsubscribeConfirm, { shop: shopName }),
      )}</button></p></form></div>`,
    );
  } catch (error) {
    if (error instanceof ProxyAuthError) return refused(error);
    throw error;
  }
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  try {
    const { shop, locale, shopName, texts } = await context(request, params.token ?? "");
    const result =
      (await unsubscribeByAnswerLink(shop, params.token ?? "", true)) !== null
        ? "done"
        : await unsubscribeByToken(shop, params.token ?? "");
    if (result === "unknown") return liquid(renderMessagePage("en", SHOPPER_TEXTS.en.notFound), 404);
    return liquid(renderMessagePage(locale, fill(texts.unsubscribed, { shop: shopName })));
  } catch (error) {
    if (error instanceof ProxyAuthError) return refused(error);
    throw error;
  }
};
