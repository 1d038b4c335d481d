import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import type { ShopperLocale } from "../domain/shopper-locales";
import { MAX_COMMENT_LENGTH, categoryForScore } from "../domain/score";
import type { OpenSurvey } from "../models/answers.server";
import { escapeHtml as e } from "../lib/html";

// Small, dependency-free styles: readable from 320 px wide, large tap targets, visible focus.
const STYLE = `
.nps{max-width:36rem;margin:2rem auto;padding:0 1rem;font:inherit;color:inherit}
.nps h1{font-size:1.4rem;line-height:1.3;margin:.5rem 0 1rem}
.nps fieldset{border:0;margin:0 0 1rem;padding:0}
.nps legend{font-weight:600;margin-bottom:.5rem}
.nps .scale{display:grid;grid-template-columns:repeat(11,minmax(0,1fr));gap:.25rem}
@media (max-width:30rem){.nps .scale{grid-template-columns:repeat(6,minmax(0,1fr))}}
.nps .scale label{position:relative;display:block}
.nps .scale input{position:absolute;opacity:0;inset:0;margin:0}
.nps .scale span{display:block;min-height:2.75rem;line-height:2.75rem;text-align:center;border:1px solid currentColor;border-radius:.4rem;font-weight:600;cursor:pointer}
.nps .scale input:checked+span{background:#1a1a1a;color:#fff;border-color:#1a1a1a}
.nps .scale input:focus-visible+span{outline:3px solid #2c6ecb;outline-offset:2px}
.nps .ends{display:flex;justify-content:space-between;gap:1rem;font-size:.85rem;opacity:.8;margin-top:.35rem}
.nps textarea{box-sizing:border-box;width:100%;min-height:7rem;padding:.6rem;font:inherit;border:1px solid #8a8a8a;border-radius:.4rem}
.nps button{min-height:2.75rem;padding:0 1.5rem;font:inherit;font-weight:600;border:0;border-radius:.4rem;background:#1a1a1a;color:#fff;cursor:pointer}
.nps button:focus-visible{outline:3px solid #2c6ecb;outline-offset:2px}
.nps .hint,.nps .meta{font-size:.85rem;opacity:.8}
.nps .error{color:#b3261e;font-weight:600}
`;

function shell(locale: ShopperLocale, body: string): string {
  return `<div class="nps" lang="${locale}"><style>${STYLE}</style>${body}</div>`;
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
  options: { score: number | null; comment: string | null; error?: string; saved?: boolean; action: string },
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
  return shell(survey.locale, body);
}
