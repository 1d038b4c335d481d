import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import type { ShopperLocale } from "../domain/shopper-locales";
import type { SurveyStage } from "../generated/prisma/enums";
import { escapeHtml } from "../lib/html";
import type { SurveyPalette } from "../domain/brand";

export interface InvitationEmailInput {
  shopDomain: string;
  shopName: string;
  orderName: string;
  stage: SurveyStage;
  locale: ShopperLocale;
  token: string;
  /** The shop's colours and logo (surveyPalette); the neutral style without. */
  palette?: Pick<SurveyPalette, "accent" | "logoUrl">;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
  scoreUrls: string[];
  unsubscribeUrl: string;
}

/** Survey pages live behind the shop's App Proxy: https://<shop>/apps/nps/... */
export function surveyUrl(shopDomain: string, token: string, score?: number): string {
  const url = new URL(`https://${shopDomain}/apps/nps/s/${token}`);
  if (score !== undefined) url.searchParams.set("score", String(score));
  return url.toString();
}

export function unsubscribeUrl(shopDomain: string, token: string): string {
  return `https://${shopDomain}/apps/nps/unsubscribe/${token}`;
}

/**
 * The invitation: the question with the 0-10 scale as eleven links, each carrying its
 * score, so the first question is answered with one click inside the email.
 */
export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const t = SHOPPER_TEXTS[input.locale];
  const values = { shop: input.shopName, order: input.orderName };
  const scoreUrls = Array.from({ length: 11 }, (_, n) => surveyUrl(input.shopDomain, input.token, n));
  const unsubscribe = unsubscribeUrl(input.shopDomain, input.token);
  const subject = fill(t.subject[input.stage], values);
  const intro = fill(t.intro[input.stage], values);
  const question = fill(t.question, values);

  const text = [
    intro,
    "",
    question,
    `${t.notLikely}, ${t.veryLikely}`,
    "",
    ...scoreUrls.map((url, n) => `${String(n).padStart(2, " ")}: ${url}`),
    "",
    `${t.unsubscribe}: ${unsubscribe}`,
  ].join("\n");

  // The accent outlines the scores: surveyPalette keeps it at 3:1 or more against the white.
  const outline = input.palette?.accent ?? "#8a8a8a";
  const logo = input.palette?.logoUrl
    ? `<p style="margin:0 0 16px"><img src="${escapeHtml(input.palette.logoUrl)}" alt="${escapeHtml(input.shopName)}" height="40" style="height:40px;width:auto;max-width:200px;border:0"></p>\n`
    : "";
  const cell = (url: string, n: number) =>
    `<td style="padding:2px"><a href="${escapeHtml(url)}" aria-label="${n}" style="display:block;min-width:28px;padding:10px 0;border:2px solid ${escapeHtml(outline)};border-radius:6px;text-align:center;font:600 16px/1 Arial,sans-serif;color:#1a1a1a;text-decoration:none">${n}</a></td>`;
  const html = `<!doctype html>
<html lang="${input.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px 12px;background:#f4f4f4;font:16px/1.5 Arial,sans-serif;color:#1a1a1a">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px">
<tr><td style="padding:24px">
${logo}<p style="margin:0 0 8px;font-size:14px;color:#616161">${escapeHtml(input.shopName)} · ${escapeHtml(fill(t.orderLabel, values))}</p>
<p style="margin:0 0 16px">${escapeHtml(intro)}</p>
<h1 style="margin:0 0 16px;font-size:20px;line-height:1.3">${escapeHtml(question)}</h1>
<table role="presentation" cellpadding="0" cellspacing="0" width="100%"><tr>${scoreUrls.map(cell).join("")}</tr></table>
<table role="presentation" cellpadding="0" cellspacing="0" width="100%" style="margin-top:6px;font-size:13px;color:#616161"><tr>
<td align="left">${escapeHtml(t.notLikely)}</td><td align="right">${escapeHtml(t.veryLikely)}</td></tr></table>
</td></tr></table>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#616161;text-align:center"><a href="${escapeHtml(unsubscribe)}" style="color:#616161">${escapeHtml(t.unsubscribe)}</a></p>
</body>
</html>`;
  return { subject, text, html, scoreUrls, unsubscribeUrl: unsubscribe };
}
