import { z } from "zod";
import prisma from "../db.server";
import { RfmSegment } from "../generated/prisma/enums";

const Emails = z
  .string()
  .transform((s) =>
    s
      .split(/[,;\s]+/)
      .map((e) => e.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.email("Enter email addresses separated by commas")).max(20, "At most 20 recipients"));

/** https, or http to this machine for a local test endpoint. */
const WebhookUrl = z.url("Enter the Slack incoming-webhook URL, https://hooks.slack.com/services/…").refine((u) => {
  const url = new URL(u);
  return url.protocol === "https:" || (url.protocol === "http:" && ["localhost", "127.0.0.1"].includes(url.hostname));
}, "The webhook URL must use https");

export const AlertRuleSchema = z
  .object({
    name: z.string().trim().min(1, "Name the rule").max(100, "At most 100 characters"),
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
  .refine((r) => r.scoreMin <= r.scoreMax, {
    message: "The lowest score must not be above the highest",
    path: ["scoreMax"],
  })
  .refine((r) => r.emails.length > 0 || r.slackWebhookUrl !== null, {
    message: "Give at least one email address or a Slack webhook",
    path: ["emails"],
  });
export type AlertRuleInput = z.infer<typeof AlertRuleSchema>;

export function listAlertRules(shop: string) {
  return prisma.alertRule.findMany({ where: { shop }, orderBy: { createdAt: "asc" } });
}

export function createAlertRule(shop: string, input: AlertRuleInput) {
  return prisma.alertRule.create({ data: { shop, ...input } });
}

export async function deleteAlertRule(shop: string, id: number) {
  return (await prisma.alertRule.deleteMany({ where: { shop, id } })).count;
}

export async function setAlertRuleEnabled(shop: string, id: number, enabled: boolean) {
  return (await prisma.alertRule.updateMany({ where: { shop, id }, data: { enabled } })).count;
}
