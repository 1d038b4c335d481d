import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useRevalidator } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  DataTable,
  InlineStack,
  Layout,
  List,
  Page,
  ProgressBar,
  Spinner,
  Text,
} from "@shopify/polaris";
import { Card } from "../components/Island";
import { useEffect } from "react";
import { z } from "zod";
import { requireAdmin } from "../admin.server";
import { SEGMENT_NAMES } from "../domain/rfm";
import type { RfmSegment } from "../generated/prisma/enums";
import { startHistoryImport } from "../models/bulk-import.server";
import { importPace, timeLeft } from "../domain/import-pace";
import { ImportRunningError, latestImport } from "../models/history-import.server";
import { computeRfm, RfmSupersededError } from "../models/rfm.server";
import { countSegments } from "../models/segments.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, graphql } = await requireAdmin(request);
  const [run, segments] = await Promise.all([latestImport(shop), countSegments(shop)]);
  return {
    // The demo shop has no Admin API unless DEMO_ADMIN_API_URL names one.
    canImport: graphql !== undefined,
    run: run && {
      status: run.status,
      source: run.source,
      rowsDone: run.rowsDone,
      expectedRows: run.expectedRows,
      ordersDone: run.ordersDone,
      invalidRows: run.invalidRows,
      errors: (run.errors as Array<{ line: number; message: string }>).slice(0, 20),
      startedAt: run.startedAt.toISOString(),
      pace:
        run.status === "RUNNING" && run.rowsStartedAt
          ? importPace({
              rowsDone: run.rowsDone,
              elapsedSeconds: (Date.now() - run.rowsStartedAt.getTime()) / 1000,
              expectedRows: run.expectedRows,
            })
          : null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
    },
    segments,
  };
};

const IntentSchema = z.object({ intent: z.enum(["import", "rfm"]) });

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, graphql } = await requireAdmin(request);
  const parsed = IntentSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ error: "Unknown action." }, { status: 400 });
  if (parsed.data.intent === "rfm") {
    try {
      const result = await computeRfm(shop, new Date().toISOString().slice(0, 10));
      return Response.json({ message: `${result.scored} customers scored, ${result.prospects} prospects.` });
    } catch (error) {
      if (!(error instanceof RfmSupersededError)) throw error;
      return Response.json(
        { error: "Another scoring run of this shop started meanwhile and is finishing the work; refresh in a moment." },
        { status: 409 },
      );
    }
  }
  if (!graphql) {
    return Response.json(
      { error: "The demo shop's history is generated: an import needs a real store's Admin API." },
      { status: 400 },
    );
  }
  try {
    await startHistoryImport(shop, graphql);
    return Response.json({ message: "Shopify is preparing your order history. This page follows its progress." });
  } catch (error) {
    const message =
      error instanceof ImportRunningError ? error.message : `Shopify refused the export: ${(error as Error).message}`;
    return Response.json({ error: message }, { status: error instanceof ImportRunningError ? 409 : 502 });
  }
};

const STATUS_TONE = { RUNNING: "info", COMPLETED: "success", FAILED: "critical" } as const;

export default function History() {
  const { canImport, run, segments } = useLoaderData<typeof loader>();
  const result = useActionData<{ message?: string; error?: string }>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  const running = run?.status === "RUNNING";

  // Follow a running import without a reload.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [running, revalidator]);

  const busy = navigation.state !== "idle";
  return (
    <Page title="Order history and segments">
      <TitleBar title="Order history and segments" />
      <Layout>
        {result?.error && (
          <Layout.Section>
            <Banner tone="critical" title={result.error} />
          </Layout.Section>
        )}
        {result?.message && (
          <Layout.Section>
            <Banner tone="success" title={result.message} />
          </Layout.Section>
        )}
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  Order history import
                </Text>
                {run && <Badge tone={STATUS_TONE[run.status]}>{run.status.toLowerCase()}</Badge>}
              </InlineStack>
              {!run && (
                <Text as="p">
                  No import yet. RFM segments need the shop&apos;s whole order history; new orders arrive by webhook.
                </Text>
              )}
              {run && (
                <BlockStack gap="200">
                  {run.status === "COMPLETED" || run.expectedRows ? (
                    <ProgressBar
                      progress={
                        run.status === "COMPLETED" ? 100 : Math.min(100, (100 * run.rowsDone) / (run.expectedRows ?? 1))
                      }
                      animated={running}
                      size="small"
                    />
                  ) : running ? (
                    <InlineStack gap="200" blockAlign="center">
                      <Spinner size="small" accessibilityLabel="Shopify is preparing the export" />
                      <Text as="span">Shopify is preparing the export of your orders.</Text>
                    </InlineStack>
                  ) : null}
                  <Text as="p">
                    {run.rowsDone.toLocaleString("en")} rows read · {run.ordersDone.toLocaleString("en")} orders ·{" "}
                    {run.invalidRows.toLocaleString("en")} rows with errors
                    {run.pace &&
                      ` · ${Math.round(run.pace.rowsPerSecond).toLocaleString("en")} rows/s` +
                        (run.pace.secondsLeft === null ? "" : ` · ${timeLeft(run.pace.secondsLeft)}`)}
                  </Text>
                  <Text as="p" tone="subdued">
                    Started {new Date(run.startedAt).toLocaleString("en")}
                    {run.finishedAt ? `, finished ${new Date(run.finishedAt).toLocaleString("en")}` : ""}
                  </Text>
                  {run.errors.length > 0 && (
                    <List type="bullet">
                      {run.errors.map((e) => (
                        <List.Item key={`${e.line}-${e.message}`}>
                          {e.line > 0 ? `Line ${e.line}: ` : ""}
                          {e.message}
                        </List.Item>
                      ))}
                    </List>
                  )}
                </BlockStack>
              )}
              <Form method="post">
                <input type="hidden" name="intent" value="import" />
                <Button submit disabled={running || busy || !canImport} loading={busy}>
                  {run ? "Import again" : "Import order history"}
                </Button>
              </Form>
              {!canImport && (
                <Text as="p" tone="subdued">
                  The demo shop&apos;s history is generated; imports run against a real store.
                </Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <div style={{ padding: "var(--p-space-400)" }}>
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Customers by RFM segment
                  </Text>
                  <Form method="post">
                    <input type="hidden" name="intent" value="rfm" />
                    <Button submit loading={busy}>
                      Recompute now
                    </Button>
                  </Form>
                </InlineStack>
              </div>
              {segments.length === 0 ? (
                <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
                  <Text as="p" tone="subdued">
                    No customers yet. Each customer gets an RFM segment (Champions, Loyal, At risk…) from their orders,
                    once the history is imported or their first order arrives.
                  </Text>
                </div>
              ) : (
                <DataTable
                  columnContentTypes={["text", "numeric"]}
                  headings={["Segment", "Customers"]}
                  rows={segments.map((s) => [
                    s.segment ? SEGMENT_NAMES[s.segment as RfmSegment] : "Not scored yet",
                    s.customers.toLocaleString("en"),
                  ])}
                />
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
