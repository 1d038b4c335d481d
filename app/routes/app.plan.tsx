import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { Card } from "../components/Island";
import { requireAdmin } from "../admin.server";
import { DashboardError } from "../components/Dashboard";
import { PLANS } from "../domain/plans";
import { logger } from "../logger.server";
import { loadUsage, planSelectionUrl, syncSubscription } from "../models/billing.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo, graphql } = await requireAdmin(request);
  if (graphql) {
    // Also where Shopify's plan page returns the merchant: the subscription is read afresh.
    try {
      await syncSubscription(shop, graphql);
    } catch (error) {
      logger.warn({ shop, err: (error as Error).message }, "could not read the app subscription");
    }
  }
  const usage = await loadUsage(shop);
  return { usage, plans: PLANS, selectionUrl: demo ? null : planSelectionUrl(shop) };
};

const n = (value: number) => value.toLocaleString("en");

export default function PlanPage() {
  const { usage, plans, selectionUrl } = useLoaderData<typeof loader>();
  const share = usage.limit === null ? 0 : Math.min(100, (usage.used / usage.limit) * 100);
  return (
    <Page title="Plan and usage">
      <TitleBar title="Plan and usage" />
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {usage.planName} plan
                </Text>
                {usage.test ? <Badge tone="info">Test charge: nothing is billed</Badge> : null}
                {usage.paused ? <Badge tone="critical">Surveys paused</Badge> : null}
              </InlineStack>
              {usage.limit === null ? (
                <Text as="p">
                  {n(usage.used)} completed surveys this cycle, with no limit. The cycle ends on {usage.resetsOn}.
                </Text>
              ) : (
                <>
                  <Text as="p">
                    <b>{n(usage.used)}</b> of {n(usage.limit)} completed surveys this cycle. The count starts again on{" "}
                    {usage.resetsOn}.
                  </Text>
                  <ProgressBar
                    progress={share}
                    tone={usage.level === "reached" ? "critical" : usage.level === "near" ? "highlight" : "primary"}
                    size="small"
                    ariaLabelledBy="usage-label"
                  />
                  <span id="usage-label" hidden>
                    {Math.round(share)} % of this cycle&apos;s surveys used
                  </span>
                </>
              )}
              <Text as="p" tone="subdued">
                A completed survey is one answer to one survey of an order (before or after delivery), however often the
                shopper edits it. At the limit nothing is lost: answers that arrive are saved, and invitations and
                on-site surveys wait until the cycle ends or you choose a larger plan.
              </Text>
            </BlockStack>
          </Card>
        </Layout.Section>
        <Layout.Section>
          <InlineGrid columns={{ xs: 1, sm: 2, lg: 4 }} gap="400">
            {plans.map((plan) => {
              const current = plan.handle === usage.planHandle;
              return (
                <Card key={plan.handle}>
                  <BlockStack gap="200">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h3" variant="headingSm">
                        {plan.name}
                      </Text>
                      {current ? <Badge tone="success">Current</Badge> : null}
                    </InlineStack>
                    <Text as="p" variant="headingLg">
                      ${plan.monthlyPrice}
                      <Text as="span" variant="bodySm" tone="subdued">
                        {" "}
                        / 30 days
                      </Text>
                    </Text>
                    <Text as="p">{n(plan.answerLimit)} completed surveys every 30 days</Text>
                    <Text as="p" tone="subdued">
                      Every channel, theme and report included.
                    </Text>
                  </BlockStack>
                </Card>
              );
            })}
          </InlineGrid>
        </Layout.Section>
        <Layout.Section>
          <Card>
            <BlockStack gap="200">
              <Text as="p">
                Plans are chosen, changed and billed through Shopify, on your Shopify invoice. A change applies as soon
                as you approve it, and a larger plan lifts a pause at once.
              </Text>
              <Box>
                {selectionUrl ? (
                  <Button variant="primary" url={selectionUrl} target="_top">
                    Change plan on Shopify
                  </Button>
                ) : (
                  <BlockStack gap="100" inlineAlign="start">
                    <Button variant="primary" disabled>
                      Change plan on Shopify
                    </Button>
                    <Text as="p" tone="subdued">
                      The demo shop runs without Shopify, so Shopify&apos;s plan page cannot open here.
                    </Text>
                  </BlockStack>
                )}
              </Box>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Plan and usage" />;
}
