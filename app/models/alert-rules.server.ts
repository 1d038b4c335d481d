import { z } from "zod";
import prisma from "../db.server";
import { RfmSegment } from "../generated/prisma/enums";
import { THEME_KEY } from "../domain/analytics-filters";
import { type OutboundPolicy, policyFromEnv, urlRefusal } from "../integrations/outbound.server";
import { decryptSecret, encryptSecret } from "../lib/secrets.server";

const Emails = z
  .string()
  .transform((s) =>
    s
      .split(/[,;\s]+/)
      .map((e) => e.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.email("Enter email addresses separated by commas")).max(20, "At most 20 recipients"));

const SLACK_URL_HINT = "Enter the Slack incoming-webhook URL, https://hooks.slack.com/services/…";

/**
 * Slack incoming webhooks live at https://hooks.slack.com/services/… (or /workflows/,
 * /triggers/). With OUTBOUND_ALLOW_LOOPBACK, development and tests may use a local endpoint.
 */
export function slackUrlRefusal(text: string, policy: OutboundPolicy = policyFromEnv()): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return SLACK_URL_HINT;
  }
  const slack =
    url.protocol === "https:" &&
    url.hostname === "hooks.slack.com" &&
    !url.port &&
    !url.username &&
    !url.password &&
    /^\/(services|workflows|triggers)\/[A-Za-z0-9/_-]+$/.test(url.pathname);
  if (slack) return null;
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (local && policy.allowLoopback && urlRefusal(text, policy) === null) return null;
  return `The Slack webhook must be an https://hooks.slack.com/… address. ${SLACK_URL_HINT}`;
}

const WebhookUrl = z
  .string()
  .max(500, "At most 500 characters")
  .superRefine((u, ctx) => {
    const refusal = slackUrlRefusal(u);
    if (refusal) ctx.addIssue({ code: "custom", message: refusal });
  });

export const AlertRuleSchema = z
  .object({
    name: z.string().trim().min(1, "Name the rule").max(100, "At most 100 characters"),
    kind: z.enum(["ANSWER", "THEME_SPIKE"], { message: "Choose what the rule watches" }).default("ANSWER"),
    /** THEME_SPIKE: the theme watched, "" for every theme. */
    theme: z
      .string()
      .trim()
      .refine((t) => t === "" || THEME_KEY.test(t), "Choose one of the shop's themes")
      .transform((t) => (t === "" ? null : t))
      .default(""),
    scoreMin: z.coerce.number().int().min(0, "0 to 10").max(10, "0 to 10"),
    scoreMax: z.coerce.number().int().min(0, "0 to 10").max(10, "0 to 10"),
    stage: z.enum(["", "PRE_DELIVERY", "POST_DELIVERY"]).transform((s) => (s === "" ? null : s)),
    segments: z.array(z.enum(Object.values(RfmSegment) as [RfmSegment, ...RfmSegment[]])).default([]),
    urgent: z.boolean().default(false),
    emails: Emails.default([]),
    slackWebhookUrl: z
      .string()
      .trim()
      .transform((s) => (s === "" ? null : s))
      .pipe(WebhookUrl.nullable())
      .default(null),
  })
  .refine((r) => r.kind === "ANSWER" || (r.segments.length === 0 && r.stage === null), {
    message: "A theme spike rule watches the whole shop: no stage or segments",
    path: ["kind"],
  })
  .refine((r) => r.scoreMin <= r.scoreMax, {
    message: "The lowest score must not be above the highest",
    path: ["scoreMax"],
  })
  .refine((r) => r.emails.length > 0 || r.slackWebhookUrl !== null, {
    message: "Give at least one email address or a Slack webhook",
    path: ["emails"],
  });
export type AlertRuleInput = z.infer<typeof AlertRuleSchema>;

/** Enough of a stored webhook URL for the merchant to recognise it, never the whole secret. */
function maskWebhookUrl(stored: string): string {
  const url = new URL(decryptSecret(stored));
  return `${url.host}/…${url.pathname.slice(-4)}`;
}

/** The shop's rules; the Slack URL (a secret) only masked, as the page shows it. */
export async function listAlertRules(shop: string) {
  const rules = await prisma.alertRule.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
  return rules.map(({ slackWebhookUrl, ...rule }) => ({
    ...rule,
    slackWebhook: slackWebhookUrl ? maskWebhookUrl(slackWebhookUrl) : null,
  }));
}

/** A rule watches answers unless it says otherwise. */
export function createAlertRule(
  shop: string,
  input: Omit<AlertRuleInput, "kind" | "theme"> & Partial<Pick<AlertRuleInput, "kind" | "theme">>,
) {
  const { slackWebhookUrl, ...rest } = input;
  return prisma.alertRule.create({
    data: { shop, ...rest, slackWebhookUrl: slackWebhookUrl ? encryptSecret(slackWebhookUrl) : null },
  });
}

/** Encrypts Slack URLs saved before secrets were encrypted at rest; run at start, safe to repeat. */
export async function encryptStoredSecrets(): Promise<number> {
  const plain = await prisma.alertRule.findMany({
    where: { slackWebhookUrl: { not: null }, NOT: { slackWebhookUrl: { startsWith: "enc:" } } },
    select: { id: true, slackWebhookUrl: true },
  });
  for (const rule of plain) {
    await prisma.alertRule.updateMany({
      where: { id: rule.id, slackWebhookUrl: rule.slackWebhookUrl },
      data: { slackWebhookUrl: encryptSecret(rule.slackWebhookUrl!) },
    });
  }
  return plain.length;
}

export async function deleteAlertRule(shop: string, id: number) {
  return (await prisma.alertRule.deleteMany({ where: { shop, id } })).count;
}

export async function setAlertRuleEnabled(shop: string, id: number, enabled: boolean) {
  return (await prisma.alertRule.updateMany({ where: { shop, id }, data: { enabled } })).count;
}
