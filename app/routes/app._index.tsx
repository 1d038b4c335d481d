import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Card, DataTable, InlineGrid, Layout, Page, Text } from "@shopify/polaris";
import { requireAdmin } from "../admin.server";
import { listRecentResponses } from "../models/responses.server";
import { getShopStats } from "../models/stats.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [stats, recent] = await Promise.all([getShopStats(shop), listRecentResponses(shop, 10)]);
  return { stats, recent };
};

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl">
          {value.toLocaleString("en")}
        </Text>
      </BlockStack>
    </Card>
  );
}

export default function Overview() {
  const { stats, recent } = useLoaderData<typeof loader>();
  const answers = (s: "pre" | "post") => Object.values(stats.responses[s]).reduce((a, b) => a + b, 0);
  return (
    <Page title="Overview">
      <TitleBar title="Overview" />
      <Layout>
        <Layout.Section>
          <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
            <Figure label="Orders" value={stats.orders} />
            <Figure label="Customers" value={stats.customers} />
            <Figure label="Answers before delivery" value={answers("pre")} />
            <Figure label="Answers after delivery" value={answers("post")} />
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card padding="0">
            <BlockStack>
              <div style={{ padding: "var(--p-space-400)" }}>
                <Text as="h2" variant="headingMd">
                  Latest answers
                </Text>
              </div>
              <DataTable
                columnContentTypes={["text", "text", "numeric", "text", "text"]}
                headings={["Order", "Stage", "Score", "Comment", "Answered"]}
                rows={recent.map((r) => [
                  r.orderName,
                  r.stage === "PRE_DELIVERY" ? "Before delivery" : "After delivery",
                  r.score,
                  r.comment ?? "",
                  new Date(r.answeredAt).toLocaleDateString("en", { dateStyle: "medium" }),
                ])}
              />
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
