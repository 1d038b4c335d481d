import { segmentLabel } from "../domain/analytics-filters";
import { BAND_LABELS, urgencyBand } from "../domain/follow-up";
import { escapeHtml } from "../lib/html";

export interface AlertAnswer {
  responseId: number;
  score: number;
  comment: string | null;
  stage: "pre" | "post";
  orderName: string;
  customerName: string | null;
  customerEmail: string | null;
  segment: string | null;
  vendors: string[];
  caseId: number | null;
  answeredAt: string;
}

export interface AlertContext {
  shopName: string;
  ruleName: string;
  /** The app's admin base URL, for a link to the case. */
  appUrl: string;
}

export interface RenderedAlert {
  subject: string;
  text: string;
  html: string;
  /** Slack mrkdwn, with the three characters Slack reads as markup escaped. */
  slack: string;
}

/** Slack reads &, < and > as markup (links, mentions); people's words must stay words. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const who = (a: AlertAnswer) => a.customerName ?? a.customerEmail ?? "A guest";
const stageText = (a: AlertAnswer) => (a.stage === "pre" ? "before delivery" : "after delivery");
const caseUrl = (a: AlertAnswer, ctx: AlertContext) =>
  a.caseId
    ? `${ctx.appUrl.replace(/\/$/, "")}/app/cases/${a.caseId}`
    : `${ctx.appUrl.replace(/\/$/, "")}/app/detractors`;

function facts(a: AlertAnswer) {
  return [
    `Score ${a.score} (${BAND_LABELS[urgencyBand(a.score)]}), ${stageText(a)}`,
    `Order ${a.orderName}${a.vendors.length ? ` · ${a.vendors.join(", ")}` : ""}`,
    `Customer: ${who(a)}${a.segment ? ` · ${segmentLabel(a.segment.toLowerCase())}` : ""}`,
  ];
}

/** One answer, at once. */
export function renderAlert(a: AlertAnswer, ctx: AlertContext): RenderedAlert {
  const subject = `[${ctx.shopName}] ${who(a)} scored ${a.score} ${stageText(a)} (${ctx.ruleName})`;
  const comment = a.comment?.trim() ? a.comment.trim() : null;
  const lines = facts(a);
  const text = [
    ...lines,
    "",
    comment ? `“${comment}”` : "No comment.",
    "",
    `Open the case: ${caseUrl(a, ctx)}`,
    "",
    `Alert rule “${ctx.ruleName}”.`,
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#202223">
<h2 style="font-size:18px">${escapeHtml(subject)}</h2>
<ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>
<blockquote style="border-left:3px solid #d72c0d;margin:0;padding:4px 12px;white-space:pre-wrap">${escapeHtml(comment ?? "No comment.")}</blockquote>
<p><a href="${escapeHtml(caseUrl(a, ctx))}">Open the case</a></p>
<p style="color:#6d7175;font-size:12px">Alert rule “${escapeHtml(ctx.ruleName)}”.</p>
</body></html>`;
  const slack = [
    `*${escapeSlack(subject)}*`,
    ...lines.map((l) => `• ${escapeSlack(l)}`),
    comment ? `> ${escapeSlack(comment).replace(/\n/g, "\n> ")}` : "_No comment._",
    `<${caseUrl(a, ctx)}|Open the case>`,
  ].join("\n");
  return { subject, text, html, slack };
}

/** The day's answers for a rule, in one message, most urgent first. */
export function renderDigest(answers: AlertAnswer[], ctx: AlertContext): RenderedAlert {
  const subject = `[${ctx.shopName}] ${answers.length} answer${answers.length === 1 ? "" : "s"} for “${ctx.ruleName}”`;
  const text = [
    subject,
    "",
    ...answers.flatMap((a) => [
      ...facts(a),
      a.comment?.trim() ? `“${a.comment.trim()}”` : "No comment.",
      caseUrl(a, ctx),
      "",
    ]),
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#202223">
<h2 style="font-size:18px">${escapeHtml(subject)}</h2>
${answers
  .map(
    (a) => `<div style="border-top:1px solid #e1e3e5;padding:8px 0">
<div>${facts(a).map(escapeHtml).join("<br>")}</div>
<div style="white-space:pre-wrap;margin:6px 0">${escapeHtml(a.comment?.trim() ? a.comment.trim() : "No comment.")}</div>
<a href="${escapeHtml(caseUrl(a, ctx))}">Open</a></div>`,
  )
  .join("\n")}
</body></html>`;
  const slack = [
    `*${escapeSlack(subject)}*`,
    ...answers.map(
      (a) =>
        `• ${escapeSlack(`${a.score} · ${a.orderName} · ${who(a)}`)}${a.comment?.trim() ? ` — ${escapeSlack(a.comment.trim().slice(0, 300))}` : ""} <${caseUrl(a, ctx)}|open>`,
    ),
  ].join("\n");
  return { subject, text, html, slack };
}

/** A theme's week that spiked (app/models/theme-spikes.server.ts), as an alert says it. */
export interface SpikeAlertFacts {
  theme: string;
  label: string;
  week: string;
  answers: number;
  mentions: number;
  baseline: number;
  pValue: number;
  comments: Array<{ score: number; comment: string; orderName: string }>;
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A theme mentioned far more this week than in the eight weeks before, with its latest comments. */
export function renderSpikeAlert(s: SpikeAlertFacts, ctx: AlertContext): RenderedAlert {
  const subject = `[${ctx.shopName}] “${s.label}” spiked in the week of ${s.week} (${ctx.ruleName})`;
  const summary = `${s.mentions} of ${s.answers} answers this week mention ${s.label.toLowerCase()} (${percent(s.mentions / s.answers)}), against ${percent(s.baseline)} in the eight weeks before. So many by chance: p = ${s.pValue.toPrecision(2)}.`;
  const url = `${ctx.appUrl.replace(/\/$/, "")}/app/themes/${encodeURIComponent(s.theme)}?range=90d`;
  const quotes = s.comments.map((c) => `${c.score} · ${c.orderName}: “${c.comment.trim()}”`);
  const text = [
    summary,
    "",
    ...(quotes.length ? ["Latest comments:", ...quotes, ""] : []),
    `See the theme: ${url}`,
    "",
    `Alert rule “${ctx.ruleName}”.`,
  ].join("\n");
  const html = `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;color:#202223">
<h2 style="font-size:18px">${escapeHtml(subject)}</h2>
<p>${escapeHtml(summary)}</p>
${quotes.length ? `<ul>${quotes.map((q) => `<li style="white-space:pre-wrap">${escapeHtml(q)}</li>`).join("")}</ul>` : ""}
<p><a href="${escapeHtml(url)}">See the theme</a></p>
<p style="color:#6d7175;font-size:12px">Alert rule “${escapeHtml(ctx.ruleName)}”.</p>
</body></html>`;
  const slack = [
    `*${escapeSlack(subject)}*`,
    escapeSlack(summary),
    ...quotes.map((q) => `> ${escapeSlack(q.slice(0, 300)).replace(/\n/g, " ")}`),
    `<${url}|See the theme>`,
  ].join("\n");
  return { subject, text, html, slack };
}
