import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import type { ShopperLocale } from "../domain/shopper-locales";
import { MAX_COMMENT_LENGTH, categoryForScore } from "../domain/score";
import type { ShareView } from "../models/advocacy.server";
import type { OpenSurvey } from "../models/answers.server";
import type { SurveyPalette } from "../domain/brand";
import { escapeHtml as e } from "../lib/html";

// Small, dependency-free styles: readable from 320 px wide, large tap targets, visible focus.
// A white card inside the shop's theme, in the shop's accent (surveyPalette checks its contrast
// against this white; the theme's own background could be anything).
const STYLE = `
.nps{max-width:36rem;margin:2rem auto;padding:1.25rem 1.5rem;font:inherit;color:#1a1a1a;background:#fff;border-radius:.75rem;box-sizing:border-box}
.nps :is(h1,h2,legend,label,p){color:inherit}
.nps h1{font-size:1.4rem;line-height:1.3;margin:.5rem 0 1rem}
.nps fieldset{border:0;margin:0 0 1rem;padding:0}
.nps legend{font-weight:600;margin-bottom:.5rem}
.nps .scale{display:grid;grid-template-columns:repeat(11,minmax(0,1fr));gap:.25rem}
@media (max-width:30rem){.nps .scale{grid-template-columns:repeat(6,minmax(0,1fr))}}
.nps .scale label{position:relative;display:block}
.nps .scale input{position:absolute;opacity:0;inset:0;margin:0}
.nps .scale span{display:block;min-height:2.75rem;line-height:2.75rem;text-align:center;border:1px solid var(--nps-accent,#1a1a1a);border-radius:.4rem;font-weight:600;cursor:pointer}
.nps .scale input:checked+span{background:var(--nps-accent,#1a1a1a);color:var(--nps-on-accent,#fff);border-color:var(--nps-accent,#1a1a1a)}
.nps .scale input:focus-visible+span{outline:3px solid #2c6ecb;outline-offset:2px}
.nps .ends{display:flex;justify-content:space-between;gap:1rem;font-size:.85rem;opacity:.8;margin-top:.35rem}
.nps textarea{box-sizing:border-box;width:100%;min-height:7rem;padding:.6rem;font:inherit;border:1px solid #8a8a8a;border-radius:.4rem}
.nps button{min-height:2.75rem;padding:0 1.5rem;font:inherit;font-weight:600;border:0;border-radius:.4rem;background:var(--nps-accent,#1a1a1a);color:var(--nps-on-accent,#fff);cursor:pointer}
.nps button:focus-visible{outline:3px solid #2c6ecb;outline-offset:2px}
.nps .hint,.nps .meta{font-size:.85rem;opacity:.8}
.nps .error{color:#b3261e;font-weight:600}
.nps .share{border:1px solid #8a8a8a;border-radius:.6rem;padding:1rem;margin:0 0 1.5rem}
.nps .share h2{font-size:1.15rem;margin:0 0 .5rem}
.nps .code{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.nps .code strong{font:600 1.2rem/1.4 ui-monospace,Menlo,Consolas,monospace;letter-spacing:.06em;padding:.3rem .6rem;border:2px dashed currentColor;border-radius:.4rem}
.nps .share input{box-sizing:border-box;width:100%;padding:.5rem;font:inherit;font-size:.85rem;border:1px solid #8a8a8a;border-radius:.4rem}
.nps a.button{display:inline-block;min-height:2.75rem;line-height:2.75rem;padding:0 1.5rem;font-weight:600;border-radius:.4rem;background:var(--nps-accent,#1a1a1a);color:var(--nps-on-accent,#fff);text-decoration:none}
.nps a.button:focus-visible{outline:3px solid #2c6ecb;outline-offset:2px}
.nps button.secondary{background:transparent;color:inherit;border:1px solid currentColor}
`;

/** The survey's colours, as custom properties on its card (values checked by HexColorSchema). */
function colours(palette: Pick<SurveyPalette, "accent" | "onAccent"> | undefined): string {
  return palette ? ` style="--nps-accent:${e(palette.accent)};--nps-on-accent:${e(palette.onAccent)}"` : "";
}

function shell(locale: ShopperLocale, body: string, palette?: SurveyPalette): string {
  return `<div class="nps" lang="${locale}"${colours(palette)}><style>${STYLE}</style>${body}</div>`;
}

export function renderMessagePage(locale: ShopperLocale, message: string): string {
  return shell(locale, `<p role="status">${e(message)}</p>`);
}

/**
 * The survey form. It works as a plain HTML form posted back to this same address (through
 * the App Proxy); a small script only swaps the follow-up question when the score changes.
 */
export function renderSurveyPage(
  survey: OpenSurvey,
  options: {
    score: number | null;
    comment: string | null;
    error?: string;
    saved?: boolean;
    action: string;
    share?: ShareView | null;
    palette?: SurveyPalette;
  },
): string {
  const t = SHOPPER_TEXTS[survey.locale];
  const values = { shop: survey.shopName, order: survey.orderName };
  const category = options.score === null ? null : categoryForScore(options.score);
  const radios = Array.from(
    { length: 11 },
    (_, n) =>
      `<label><input type="radio" name="score" value="${n}"${options.score === n ? " checked" : ""} required><span>${n}</span></label>`,
  ).join("");
  const questionData = (["PROMOTER", "PASSIVE", "DETRACTOR"] as const)
    .map((c) => ` data-${c.toLowerCase()}="${e(survey.questions[c])}"`)
    .join("");
  const body = `
<p class="meta">${e(survey.shopName)} · ${e(fill(t.orderLabel, values))}</p>
${options.saved ? `<p role="status"><strong>${e(options.comment ? t.thanksComment : t.thanks)}</strong> ${e(t.changeAnswer)}</p>` : ""}
${options.error ? `<p class="error" role="alert">${e(options.error)}</p>` : ""}
${options.share ? renderShareStep(options.share) : ""}
<form method="post" action="${e(options.action)}" class="nps-form">
  <fieldset>
    <legend><h1>${e(fill(t.question, values))}</h1></legend>
    <div class="scale" role="radiogroup" aria-label="${e(t.scoreLabel)}">${radios}</div>
    <div class="ends" aria-hidden="true"><span>${e(t.notLikely)}</span><span>${e(t.veryLikely)}</span></div>
  </fieldset>
  <p><label for="nps-comment" id="nps-question"${questionData}>${e(category ? survey.questions[category] : survey.questions.PASSIVE)}</label></p>
  <textarea id="nps-comment" name="comment" maxlength="${MAX_COMMENT_LENGTH}" aria-describedby="nps-hint">${e(options.comment ?? "")}</textarea>
  <p class="hint" id="nps-hint">${e(t.commentHint)}</p>
  <p><button type="submit">${e(t.send)}</button></p>
</form>
<script>
(function(){var f=document.currentScript.previousElementSibling,q=f.querySelector("#nps-question");
f.addEventListener("change",function(ev){if(ev.target.name!=="score")return;var s=+ev.target.value;
q.textContent=q.getAttribute(s>=9?"data-promoter":s>=7?"data-passive":"data-detractor");});})();
</script>`;
  return shell(survey.locale, body, options.palette);
}

/**
 * The share step: a promoter's referral code and a link to share it, and a review link. Plain
 * links and text work without script; copy and share buttons appear when the browser has them.
 */
export function renderShareStep(share: ShareView): string {
  const r = share.referral;
  const referral = !r
    ? ""
    : r.state !== "active"
      ? `<p role="status">${e(r.text)}</p>`
      : `<p>${e(r.text)}</p>
<p class="code"><span>${e(r.codeLabel)}:</span> <strong>${e(r.code)}</strong>
<button type="button" class="secondary" hidden data-copy="${e(r.code)}" data-done="${e(r.copied)}">${e(r.copy)}</button></p>
<p><label for="nps-share-link">${e(r.linkLabel)}</label><br>
<input id="nps-share-link" type="url" readonly value="${e(r.shareUrl)}"></p>
<p><button type="button" hidden data-share="${e(r.shareUrl)}" data-text="${e(r.shareText)}" data-done="${e(r.copied)}">${e(r.shareLabel)}</button></p>
<p class="hint" aria-live="polite" data-status></p>`;
  const review = share.review
    ? `<p>${e(share.review.text)}</p>
<p><a class="button" href="${e(share.review.url)}" rel="noopener" target="_blank">${e(share.review.button)}</a></p>`
    : "";
  return `<section class="share" aria-labelledby="nps-share-title">
<h2 id="nps-share-title">${e(share.title)}</h2>
${referral}
${review}
</section>
<script>
(function(){var s=document.currentScript.previousElementSibling,st=s.querySelector("[data-status]");
function done(b){if(st)st.textContent=b.getAttribute("data-done");}
s.querySelectorAll("[data-copy]").forEach(function(b){if(!navigator.clipboard)return;b.hidden=false;
b.addEventListener("click",function(){navigator.clipboard.writeText(b.getAttribute("data-copy")).then(function(){done(b);});});});
s.querySelectorAll("[data-share]").forEach(function(b){if(!navigator.share&&!navigator.clipboard)return;b.hidden=false;
b.addEventListener("click",function(){var u=b.getAttribute("data-share"),t=b.getAttribute("data-text");
if(navigator.share){navigator.share({text:t,url:u}).catch(function(){});}
else{navigator.clipboard.writeText(t+" "+u).then(function(){done(b);});}});});})();
</script>`;
}
