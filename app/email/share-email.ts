import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import type { ShopperLocale } from "../domain/shopper-locales";
import { escapeHtml } from "../lib/html";
import type { ShareView } from "../models/advocacy.server";

export interface RenderedShareEmail {
  subject: string;
  text: string;
  html: string;
}

/**
 * The share step as an email to a promoter: their referral code with its link, and a product
 * review link, with an unsubscribe link. Only an active code is mailed: one still being made,
 * or that could not be, is left out. It is made to be forwarded: no order number in it.
 */
export function renderShareEmail(
  share: ShareView,
  input: { locale: ShopperLocale; shopName: string; orderName: string; unsubscribeUrl: string },
): RenderedShareEmail {
  const t = SHOPPER_TEXTS[input.locale];
  const values = { shop: input.shopName, order: input.orderName };
  const referral = share.referral?.state === "active" ? share.referral : null;
  // The gift is in the subject only when the email carries it.
  const subject = fill(referral ? t.share.emailSubject : t.share.emailSubjectThanks, values);
  const intro = fill(t.share.emailIntro, values);
  const text = [
    intro,
    ...(referral
      ? ["", referral.text, `${referral.codeLabel}: ${referral.code}`, `${referral.shareLabel}: ${referral.shareUrl}`]
      : []),
    ...(share.review ? ["", share.review.text, `${share.review.button}: ${share.review.url}`] : []),
    "",
    `${t.unsubscribe}: ${input.unsubscribeUrl}`,
  ].join("\n");
  const button = (url: string, label: string) =>
    `<a href="${escapeHtml(url)}" style="display:inline-block;padding:12px 20px;border-radius:6px;background:#1a1a1a;color:#ffffff;font-weight:600;text-decoration:none">${escapeHtml(label)}</a>`;
  const html = `<!doctype html>
<html lang="${input.locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px 12px;background:#f4f4f4;font:16px/1.5 Arial,sans-serif;color:#1a1a1a">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px">
<tr><td style="padding:24px">
<p style="margin:0 0 16px">${escapeHtml(intro)}</p>
${
  referral
    ? `<p style="margin:0 0 8px">${escapeHtml(referral.text)}</p>
<p style="margin:0 0 16px;font:600 20px/1.4 Menlo,Consolas,monospace;letter-spacing:1px">${escapeHtml(referral.code)}</p>
<p style="margin:0 0 24px">${button(referral.shareUrl, referral.shareLabel)}</p>`
    : ""
}${
    share.review
      ? `<p style="margin:0 0 8px">${escapeHtml(share.review.text)}</p>
<p style="margin:0">${button(share.review.url, share.review.button)}</p>`
      : ""
  }
</td></tr></table>
<p style="max-width:560px;margin:16px auto 0;font-size:12px;color:#616161;text-align:center"><a href="${escapeHtml(input.unsubscribeUrl)}" style="color:#616161">${escapeHtml(t.unsubscribe)}</a></p>
</body>
</html>`;
  return { subject, text, html };
}
