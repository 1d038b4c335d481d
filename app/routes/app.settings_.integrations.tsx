import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { requireAdmin } from "../admin.server";
import { ActionBanners, type ActionResult } from "../components/ActionBanners";
import { DashboardError } from "../components/Dashboard";
import { MAX_ENDPOINTS, SIGNATURE_HEADER, WEBHOOK_TOPICS } from "../domain/webhooks";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  setWebhookEndpointEnabled,
  TooManyEndpointsError,
  WebhookEndpointSchema,
} from "../models/webhooks.server";
import { rowId } from "../domain/row-id";
import {
  connectKlaviyo,
  disconnectKlaviyo,
  getKlaviyoStatus,
  KlaviyoError,
  KlaviyoKeySchema,
  KLAVIYO_METRIC,
} from "../integrations/klaviyo.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [endpoints, deliveries, klaviyo] = await Promise.all([
    listWebhookEndpoints(shop),
    listWebhookDeliveries(shop),
    getKlaviyoStatus(shop),
  ]);
  return { endpoints, deliveries, klaviyo, metric: KLAVIYO_METRIC };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const intent = form.get("intent");
  const bad = (errors: Record<string, string>) =>
    Response.json({ ok: false, errors } satisfies ActionResult, { status: 400 });
  if (intent === "klaviyo-connect") {
    const key = KlaviyoKeySchema.safeParse(form.get("apiKey") ?? "");
    if (!key.success) return bad({ apiKey: key.error.issues[0]!.message });
    try {
      const status = await connectKlaviyo(shop, key.data);
      return Response.json({
        ok: true,
        message: `Connected to Klaviyo${status.accountName ? ` (${status.accountName})` : ""}. ${
          status.backfill.total > 0
            ? `Sending the ${status.backfill.total.toLocaleString("en")} answers so far.`
            : "New answers go to it from now on."
        }`,
      } satisfies ActionResult);
    } catch (error) {
      if (error instanceof KlaviyoError) return bad({ apiKey: error.message });
      throw error;
    }
  }
  if (intent === "klaviyo-disconnect") {
    await disconnectKlaviyo(shop);
    return Response.json({
      ok: true,
      message: "Disconnected from Klaviyo: nothing more is sent.",
    } satisfies ActionResult);
  }
  if (intent === "create") {
    const parsed = WebhookEndpointSchema.safeParse({ url: form.get("url"), topics: form.getAll("topics") });
    if (!parsed.success) {
      return bad(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message])));
    }
    try {
      await createWebhookEndpoint(shop, parsed.data);
    } catch (error) {
      if (error instanceof TooManyEndpointsError) return bad({ form: error.message });
      throw error;
    }
    return Response.json({ ok: true, message: "Endpoint added. Events from now on go to it." } satisfies ActionResult);
  }
  const id = rowId(form.get("id"));
  if (intent === "delete" || intent === "enable" || intent === "disable") {
    if (id === null) return bad({ form: "That endpoint no longer exists: reload the page." });
    const changed =
      intent === "delete"
        ? await deleteWebhookEndpoint(shop, id)
        : await setWebhookEndpointEnabled(shop, id, intent === "enable");
    if (changed === 0) return bad({ form: "That endpoint no longer exists: reload the page." });
    return Response.json({
      ok: true,
      message: intent === "delete" ? "Endpoint deleted." : "Endpoint updated.",
    } satisfies ActionResult);
  }
  return bad({ form: "Unknown action: reload the page." });
};

const STATUS_TONE: Record<string, "success" | "attention" | "critical" | undefined> = {
  DONE: "success",
  PENDING: "attention",
  FAILED: "critical",
};

export default function Integrations() {
  const { endpoints, deliveries, klaviyo, metric } = useLoaderData<typeof loader>();
  const [apiKey, setApiKey] = useState("");
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const errors = result && !result.ok ? result.errors : {};
  const [url, setUrl] = useState("");
  const [topics, setTopics] = useState<string[]>([...WEBHOOK_TOPICS]);
  const [shown, setShown] = useState<number | null>(null);
  return (
    <Page title="Integrations" backAction={{ content: "Settings", url: "/app/settings" }}>
      <TitleBar title="Integrations" />
      <BlockStack gap="400">
        <ActionBanners result={result} />
        <Layout>
          <Layout.AnnotatedSection
            title="Klaviyo"
            description={`Each answer becomes an “${metric}” event on the customer's Klaviyo profile (score, category, stage, channel, comment, themes, brands, order), and the profile gets nps_last_score, nps_category, nps_last_answered_at and rfm_segment, for your segments and flows. The answers so far are sent once when you connect, without starting flows.`}
          >
            <Card>
              {klaviyo.connected ? (
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="p" fontWeight="semibold">
                      {klaviyo.accountName ?? "Klaviyo account"} {klaviyo.accountId ? `(${klaviyo.accountId})` : ""}
                    </Text>
                    <Badge tone="success">Connected</Badge>
                  </InlineStack>
                  {klaviyo.backfill.total > 0 && (
                    <BlockStack gap="100">
                      <Text as="p" tone="subdued">
                        Past answers: {klaviyo.backfill.done.toLocaleString("en")} of{" "}
                        {klaviyo.backfill.total.toLocaleString("en")} sent
                        {klaviyo.backfill.finished ? "." : " (reload to follow)."}
                      </Text>
                      <ProgressBar
                        progress={Math.round((100 * klaviyo.backfill.done) / klaviyo.backfill.total)}
                        size="small"
                        tone={klaviyo.backfill.finished ? "success" : "highlight"}
                      />
                    </BlockStack>
                  )}
                  {klaviyo.lastError && (
                    <Text as="p" tone="critical">
                      {klaviyo.lastError}
                    </Text>
                  )}
                  <Form method="post">
                    <input type="hidden" name="intent" value="klaviyo-disconnect" />
                    <Button submit tone="critical">
                      Disconnect
                    </Button>
                  </Form>
                </BlockStack>
              ) : (
                <Form method="post">
                  <input type="hidden" name="intent" value="klaviyo-connect" />
                  <FormLayout>
                    <TextField
                      label="Private API key"
                      name="apiKey"
                      type="password"
                      value={apiKey}
                      onChange={setApiKey}
                      placeholder="pk_…"
                      helpText="In Klaviyo: Settings → API keys → Create private API key, with full access to Events, Profiles and Lists (profile updates run as bulk imports) and read access to Accounts. Checked with Klaviyo, then stored encrypted."
                      error={errors.apiKey}
                      autoComplete="off"
                    />
                    <Button submit variant="primary" loading={navigation.state === "submitting"}>
                      Connect
                    </Button>
                  </FormLayout>
                </Form>
              )}
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="Webhooks"
            description={`Each answer and each change of a case's status is sent as JSON to your https endpoints, signed with the endpoint's secret: the ${SIGNATURE_HEADER} header is the base64 HMAC-SHA256 of the body. Failed deliveries are tried again after 1, 5, 30 and 120 minutes.`}
          >
            <BlockStack gap="400">
              {endpoints.map((e) => (
                <Card key={e.id}>
                  <BlockStack gap="200">
                    <InlineStack align="space-between" blockAlign="center" gap="200">
                      <Text as="p" variant="bodyMd" fontWeight="semibold" breakWord>
                        {e.url}
                      </Text>
                      {e.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
                    </InlineStack>
                    <Text as="p" tone="subdued">
                      {e.topics.join(", ")}
                    </Text>
                    <InlineStack gap="200" blockAlign="center">
                      <Text as="span">Secret:</Text>
                      <code>{shown === e.id ? e.secret : "••••••••"}</code>
                      <Button variant="plain" onClick={() => setShown(shown === e.id ? null : e.id)}>
                        {shown === e.id ? "Hide" : "Show"}
                      </Button>
                    </InlineStack>
                    <InlineStack gap="200">
                      <Form method="post">
                        <input type="hidden" name="id" value={e.id} />
                        <input type="hidden" name="intent" value={e.enabled ? "disable" : "enable"} />
                        <Button submit>{e.enabled ? "Switch off" : "Switch on"}</Button>
                      </Form>
                      <Form method="post">
                        <input type="hidden" name="id" value={e.id} />
                        <input type="hidden" name="intent" value="delete" />
                        <Button submit tone="critical">
                          Delete
                        </Button>
                      </Form>
                    </InlineStack>
                  </BlockStack>
                </Card>
              ))}
              {endpoints.length < MAX_ENDPOINTS && (
                <Card>
                  <Form method="post">
                    <input type="hidden" name="intent" value="create" />
                    <FormLayout>
                      <TextField
                        label="Endpoint URL"
                        name="url"
                        value={url}
                        onChange={setUrl}
                        placeholder="https://example.com/nps-events"
                        helpText="https, on a public address. Redirects are not followed."
                        error={errors.url}
                        autoComplete="off"
                      />
                      <BlockStack gap="100">
                        <Text as="p">Events</Text>
                        {WEBHOOK_TOPICS.map((t) => (
                          <Checkbox
                            key={t}
                            label={t}
                            name="topics"
                            value={t}
                            checked={topics.includes(t)}
                            onChange={(on) => setTopics(on ? [...topics, t] : topics.filter((x) => x !== t))}
                          />
                        ))}
                        {errors.topics && (
                          <Text as="p" tone="critical">
                            {errors.topics}
                          </Text>
                        )}
                      </BlockStack>
                      <Button submit variant="primary" loading={navigation.state === "submitting"}>
                        Add endpoint
                      </Button>
                    </FormLayout>
                  </Form>
                </Card>
              )}
            </BlockStack>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="Recent deliveries"
            description="Failed ones can be tried again from Alerts and automations."
          >
            <Card padding="0">
              {deliveries.length === 0 ? (
                <div style={{ padding: "var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    No event has been sent yet. Add an endpoint: the next answer goes to it.
                  </Text>
                </div>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "text"]}
                  headings={["When", "Event", "Status", "Tries", "Last error"]}
                  rows={deliveries.map((d) => [
                    d.createdAt.replace("T", " ").slice(0, 16),
                    d.topic,
                    <Badge key={d.id} tone={STATUS_TONE[d.status]}>
                      {d.status.toLowerCase()}
                    </Badge>,
                    d.attempts,
                    d.lastError ?? "",
                  ])}
                />
              )}
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Integrations" />;
}
