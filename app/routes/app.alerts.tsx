import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { requireAdmin } from "../admin.server";
import { ActionBanners, type ActionResult } from "../components/ActionBanners";
import { DashboardError, formatCount } from "../components/Dashboard";
import { SEGMENT_NAMES } from "../domain/rfm";
import { RfmSegment } from "../generated/prisma/enums";
import {
  AlertRuleSchema,
  createAlertRule,
  deleteAlertRule,
  listAlertRules,
  setAlertRuleEnabled,
} from "../models/alert-rules.server";
import { countActions, listFailedActions, retryFailedActions } from "../models/answer-actions.server";
import { listShopThemes } from "../models/themes.server";
import { rowId } from "../domain/row-id";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireAdmin(request);
  const [rules, failed, counts, themes] = await Promise.all([
    listAlertRules(shop),
    listFailedActions(shop),
    countActions(shop),
    listShopThemes(shop),
  ]);
  const on = themes.filter((t) => t.enabled);
  return {
    demo,
    // A spike rule whose theme was switched off or taken back in Settings → Themes since it was
    // made cannot alert: the page says so.
    rules: rules.map((r) => ({
      ...r,
      themeGone: r.kind === "THEME_SPIKE" && r.theme !== null && !on.some((t) => t.key === r.theme),
    })),
    failed,
    counts,
    themes: on.map((t) => ({ key: t.key, label: t.label.en || t.key })),
  };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const id = rowId(form.get("id"));
  const bad = (errors: Record<string, string>) =>
    Response.json({ ok: false, errors } satisfies ActionResult, { status: 400 });
  if (intent === "create") {
    const kind = form.get("kind") ?? "ANSWER";
    const parsed = AlertRuleSchema.safeParse({
      name: form.get("name"),
      kind,
      theme: form.get("theme") ?? "",
      scoreMin: form.get("scoreMin"),
      scoreMax: form.get("scoreMax"),
      stage: form.get("stage") ?? "",
      segments: form.getAll("segments"),
      urgent: form.get("urgent") === "on",
      emails: form.get("emails") ?? "",
      slackWebhookUrl: form.get("slackWebhookUrl") ?? "",
    });
    if (!parsed.success) {
      return bad(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message])));
    }
    const { theme } = parsed.data;
    if (theme !== null && !(await listShopThemes(shop)).some((t) => t.key === theme && t.enabled)) {
      return bad({ theme: `This shop has no theme “${theme}” switched on.` });
    }
    await createAlertRule(shop, parsed.data);
    return Response.json({ ok: true, message: `Rule “${parsed.data.name}” added.` } satisfies ActionResult);
  }
  if (intent === "delete" || intent === "enable" || intent === "disable") {
    if (id === null) return bad({ form: "That rule no longer exists: reload the page." });
    const changed =
      intent === "delete" ? await deleteAlertRule(shop, id) : await setAlertRuleEnabled(shop, id, intent === "enable");
    if (changed === 0) return bad({ form: "That rule no longer exists: reload the page." });
    return Response.json({
      ok: true,
      message: intent === "delete" ? "Rule deleted." : "Rule updated.",
    } satisfies ActionResult);
  }
  if (intent === "retry") {
    const n = await retryFailedActions(shop);
    return Response.json({
      ok: true,
      message: `${n} failed action${n === 1 ? "" : "s"} queued again.`,
    } satisfies ActionResult);
  }
  return bad({ form: "Unknown action: reload the page." });
};

const KIND_LABELS: Record<string, string> = {
  ALERT_EMAIL: "Alert email",
  ALERT_SLACK: "Slack alert",
  CUSTOMER_TAGS: "Customer tags",
  FLOW_TRIGGER: "Flow trigger",
  WEBHOOK: "Webhook",
};

export default function Alerts() {
  const { demo, rules, failed, counts, themes } = useLoaderData<typeof loader>();
  const themeLabel = (key: string | null) =>
    key === null ? "any theme" : (themes.find((t) => t.key === key)?.label ?? key);
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const errors = result && !result.ok ? result.errors : {};
  const [draft, setDraft] = useState({
    name: "",
    kind: "ANSWER",
    theme: "",
    scoreMin: "0",
    scoreMax: "6",
    stage: "",
    urgent: true,
    emails: "",
    slackWebhookUrl: "",
    segments: [] as string[],
  });
  const set = <K extends keyof typeof draft>(key: K, value: (typeof draft)[K]) => setDraft({ ...draft, [key]: value });
  const scores = Array.from({ length: 11 }, (_, i) => ({ label: String(i), value: String(i) }));
  return (
    <Page title="Alerts and automations" backAction={{ content: "Detractors", url: "/app/detractors" }}>
      <TitleBar title="Alerts and automations" />
      <BlockStack gap="400">
        <ActionBanners result={result} />
        {failed.length > 0 && (
          <Banner
            tone="critical"
            title={`${failed.length} alert${failed.length === 1 ? "" : "s"} or updates could not be delivered`}
          >
            <p>They were tried five times over about three hours. Fix the cause shown below, then try them again.</p>
          </Banner>
        )}
        <Layout>
          <Layout.AnnotatedSection
            title="Alert rules"
            description="Urgent rules alert at once; the others collect the day's answers into a digest at 08:00 in the shop's time zone. Each answer alerts once per rule."
          >
            <Card padding="0">
              {rules.length === 0 ? (
                <div style={{ padding: "var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    No rules yet: add one below, for example every score from 0 to 2, at once, by email.
                  </Text>
                </div>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "text", "text"]}
                  headings={["Rule", "Watches", "Sent to", "When", ""]}
                  rows={rules.map((r) => [
                    <BlockStack key="n" gap="050">
                      <Text as="span" fontWeight="semibold">
                        {r.name}
                      </Text>
                      {!r.enabled && <Badge>Paused</Badge>}
                    </BlockStack>,
                    r.kind === "THEME_SPIKE" ? (
                      <BlockStack key="w" gap="050">
                        <Text as="span">A spike of {themeLabel(r.theme)}</Text>
                        {r.themeGone && (
                          <Badge tone="warning">Theme switched off or removed: this rule cannot alert</Badge>
                        )}
                      </BlockStack>
                    ) : (
                      `${r.scoreMin}–${r.scoreMax}${r.stage ? (r.stage === "PRE_DELIVERY" ? ", before delivery" : ", after delivery") : ""}${
                        r.segments.length ? `, ${r.segments.map((s) => SEGMENT_NAMES[s]).join(", ")}` : ""
                      }`
                    ),
                    [...r.emails, r.slackWebhook ? `Slack (${r.slackWebhook})` : null].filter(Boolean).join(", "),
                    r.kind === "THEME_SPIKE" || r.urgent ? "At once" : "Daily digest",
                    <InlineStack key="a" gap="200">
                      <Form method="post">
                        <input type="hidden" name="id" value={r.id} />
                        <input type="hidden" name="intent" value={r.enabled ? "disable" : "enable"} />
                        <Button submit variant="plain">
                          {r.enabled ? "Pause" : "Resume"}
                        </Button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="id" value={r.id} />
                        <input type="hidden" name="intent" value="delete" />
                        <Button submit variant="plain" tone="critical">
                          Delete
                        </Button>
                      </Form>
                    </InlineStack>,
                  ])}
                />
              )}
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection title="Add a rule">
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="create" />
                <FormLayout>
                  <TextField
                    label="Name"
                    name="name"
                    value={draft.name}
                    onChange={(v) => set("name", v)}
                    error={errors.name}
                    autoComplete="off"
                    placeholder="Furious customers"
                  />
                  <Select
                    label="Watch"
                    name="kind"
                    options={[
                      { label: "Each answer that matches", value: "ANSWER" },
                      { label: "A theme mentioned far more than usual this week", value: "THEME_SPIKE" },
                    ]}
                    value={draft.kind}
                    onChange={(v) => set("kind", v)}
                    error={errors.kind}
                  />
                  {draft.kind === "THEME_SPIKE" ? (
                    <Select
                      label="Theme"
                      name="theme"
                      options={[
                        { label: "Any theme", value: "" },
                        ...themes.map((t) => ({ label: t.label, value: t.key })),
                      ]}
                      value={draft.theme}
                      onChange={(v) => set("theme", v)}
                      error={errors.theme}
                      helpText="A week spikes when its share of answers mentioning the theme would happen by chance less than once in a thousand at the share of the eight weeks before, with at least five mentions. Each spike alerts once, at once."
                    />
                  ) : (
                    <>
                      <FormLayout.Group>
                        <Select
                          label="From score"
                          name="scoreMin"
                          options={scores}
                          value={draft.scoreMin}
                          onChange={(v) => set("scoreMin", v)}
                          error={errors.scoreMin}
                        />
                        <Select
                          label="To score"
                          name="scoreMax"
                          options={scores}
                          value={draft.scoreMax}
                          onChange={(v) => set("scoreMax", v)}
                          error={errors.scoreMax}
                        />
                        <Select
                          label="Stage"
                          name="stage"
                          options={[
                            { label: "Both", value: "" },
                            { label: "Before delivery", value: "PRE_DELIVERY" },
                            { label: "After delivery", value: "POST_DELIVERY" },
                          ]}
                          value={draft.stage}
                          onChange={(v) => set("stage", v)}
                        />
                      </FormLayout.Group>
                      <BlockStack gap="100">
                        <Text as="p">Only customers in these segments (none ticked: everyone)</Text>
                        <InlineStack gap="300" wrap>
                          {Object.values(RfmSegment).map((s) => (
                            <Checkbox
                              key={s}
                              label={SEGMENT_NAMES[s]}
                              name="segments"
                              value={s}
                              checked={draft.segments.includes(s)}
                              onChange={(v) =>
                                set("segments", v ? [...draft.segments, s] : draft.segments.filter((x) => x !== s))
                              }
                            />
                          ))}
                        </InlineStack>
                      </BlockStack>
                      <Checkbox
                        label="Urgent: alert at once instead of in the daily digest"
                        name="urgent"
                        checked={draft.urgent}
                        onChange={(v) => set("urgent", v)}
                      />
                    </>
                  )}
                  <TextField
                    label="Email recipients"
                    name="emails"
                    value={draft.emails}
                    onChange={(v) => set("emails", v)}
                    error={errors.emails}
                    autoComplete="off"
                    helpText="Separated by commas."
                  />
                  <TextField
                    label="Slack incoming-webhook URL"
                    name="slackWebhookUrl"
                    value={draft.slackWebhookUrl}
                    onChange={(v) => set("slackWebhookUrl", v)}
                    error={errors.slackWebhookUrl}
                    autoComplete="off"
                  />
                  <Button submit variant="primary" loading={navigation.state === "submitting"}>
                    Add rule
                  </Button>
                </FormLayout>
              </Form>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="Shopify"
            description="Each answer tags its customer nps-promoter, nps-passive or nps-detractor (only the latest stays), keeps the last score and date in the metafield $app:nps.last_answer, and fires the Flow trigger “NPS answer received”."
          >
            <Card>
              <BlockStack gap="200">
                {demo && (
                  <Text as="p" tone="subdued">
                    The demo shop has no Shopify store behind it, so these are recorded as skipped.
                  </Text>
                )}
                <Text as="p">
                  Done {formatCount(counts.done ?? 0)} · waiting {formatCount(counts.pending ?? 0)} · skipped{" "}
                  {formatCount(counts.skipped ?? 0)} · failed {formatCount(counts.failed ?? 0)}
                </Text>
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
          {failed.length > 0 && (
            <Layout.AnnotatedSection title="Failed deliveries">
              <Card padding="0">
                <DataTable
                  columnContentTypes={["text", "text", "numeric", "text"]}
                  headings={["What", "Answer", "Tries", "Last error"]}
                  rows={failed.map((f) => [
                    `${KIND_LABELS[f.kind] ?? f.kind}${f.ruleName ? ` · ${f.ruleName}` : ""}`,
                    `${f.orderName} · ${f.score}`,
                    f.attempts,
                    f.lastError ?? "",
                  ])}
                />
                <div style={{ padding: "var(--p-space-400)" }}>
                  <Form method="post">
                    <input type="hidden" name="intent" value="retry" />
                    <Button submit>Try all again</Button>
                  </Form>
                </div>
              </Card>
            </Layout.AnnotatedSection>
          )}
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Alerts and automations" />;
}
