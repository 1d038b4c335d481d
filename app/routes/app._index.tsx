import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link as RemixLink, useActionData, useLoaderData, useLocation } from "@remix-run/react";
import { z } from "zod";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  BlockStack,
  Box,
  ButtonGroup,
  Button,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Text,
} from "@shopify/polaris";
import { Card } from "../components/Island";
import { ActionBanners, type ActionResult } from "../components/ActionBanners";
import { TrendChart } from "../components/Charts";
import { SetupGuide } from "../components/SetupGuide";
import { TopThemes } from "../components/Themes";
import {
  DashboardError,
  DifferenceBadge,
  FilterBar,
  formatCount,
  formatInterval,
  formatNps,
  formatShare,
  formatSigned,
  ImportBanner,
  NoAnswers,
  NotEnough,
  TitledTable,
} from "../components/Dashboard";
import { requireAdmin } from "../admin.server";
import { filtersFromUrl } from "../dashboard.server";
import { CHANNELS } from "../domain/analytics-filters";
import { type Granularity, loadFilterOptions, loadOverview, loadShopState } from "../models/analytics.server";
import type { NpsGroup } from "../models/analytics.server";
import { loadWinBack } from "../models/cases.server";
import { loadAdvocacyFunnel } from "../models/advocacy.server";
import { reportThemes } from "../models/theme-analytics.server";
import { loadSetupGuide, NoShopEmailError, sendTestSurvey, setSetupGuideDismissed } from "../models/setup.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const trend = new URL(request.url).searchParams.get("trend");
  const granularity: Granularity | undefined = trend === "week" || trend === "month" ? trend : undefined;
  const [overview, state, options, winBack, themes, guide] = await Promise.all([
    loadOverview(shop, filters, granularity),
    loadShopState(shop),
    loadFilterOptions(shop),
    loadWinBack(shop),
    reportThemes(shop, filters),
    loadSetupGuide(shop),
  ]);
  const referrals = await loadAdvocacyFunnel(shop, overview.period);
  return { filters, overview, state, options, winBack: winBack.overall, themes, referrals, guide };
};

const GuideIntentSchema = z.enum(["test-survey", "dismiss-guide", "show-guide"]);

/** The setup guide's buttons: send a test survey, dismiss the guide, bring it back. */
export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const intent = GuideIntentSchema.safeParse((await request.formData()).get("intent"));
  if (!intent.success) {
    return Response.json(
      { ok: false, errors: { form: "Unknown action: expected test-survey, dismiss-guide or show-guide." } },
      { status: 400 },
    );
  }
  if (intent.data === "test-survey") {
    try {
      const { sentTo } = await sendTestSurvey(shop);
      return { ok: true, message: `Test survey sent to ${sentTo}. Answer it from your inbox.` } satisfies ActionResult;
    } catch (error) {
      if (error instanceof NoShopEmailError) {
        return Response.json({ ok: false, errors: { form: error.message } } satisfies ActionResult, { status: 400 });
      }
      throw error;
    }
  }
  await setSetupGuideDismissed(shop, intent.data === "dismiss-guide");
  return {
    ok: true,
    message: intent.data === "dismiss-guide" ? "Setup guide dismissed." : "Setup guide shown.",
  } satisfies ActionResult;
};

function ShowGuideButton() {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="show-guide" />
      <Button submit variant="tertiary">
        Show the setup guide
      </Button>
    </Form>
  );
}

function Figure({ label, children, help }: { label: string; children: React.ReactNode; help?: React.ReactNode }) {
  return (
    <Card>
      <BlockStack gap="100">
        <Text as="h3" variant="headingSm" tone="subdued">
          {label}
        </Text>
        {children}
        {help}
      </BlockStack>
    </Card>
  );
}

function NpsFigure({ group, min }: { group: NpsGroup; min: number }) {
  return (
    <BlockStack gap="100">
      <Text as="p" variant="heading2xl">
        {formatNps(group.nps)}
      </Text>
      <Text as="p" tone="subdued">
        95% interval {formatInterval(group.ciLow, group.ciHigh)}
      </Text>
      {!group.enoughAnswers && group.n > 0 && <NotEnough n={group.n} min={min} />}
    </BlockStack>
  );
}

function SplitBar({ group }: { group: NpsGroup }) {
  const parts = [
    { label: "Promoters (9–10)", share: group.promoterShare, count: group.promoters, color: "#2c6ecb" },
    { label: "Passives (7–8)", share: group.passiveShare, count: group.passives, color: "#9ca6b5" },
    { label: "Detractors (0–6)", share: group.detractorShare, count: group.detractors, color: "#d72c0d" },
  ];
  return (
    <BlockStack gap="200">
      <div
        role="img"
        aria-label={parts.map((p) => `${p.label}: ${formatShare(p.share)}`).join(", ")}
        style={{ display: "flex", height: 16, borderRadius: 8, overflow: "hidden", background: "#f1f1f1" }}
      >
        {parts.map((p) => (
          <div key={p.label} style={{ width: `${p.share * 100}%`, background: p.color }} />
        ))}
      </div>
      <InlineStack gap="400" wrap>
        {parts.map((p) => (
          <InlineStack key={p.label} gap="100" blockAlign="center">
            <span style={{ width: 10, height: 10, borderRadius: 5, background: p.color, display: "inline-block" }} />
            <Text as="span">
              {p.label}: <b>{formatShare(p.share)}</b> ({formatCount(p.count)})
            </Text>
          </InlineStack>
        ))}
      </InlineStack>
    </BlockStack>
  );
}

export default function Overview() {
  const { filters, overview, state, options, winBack, themes, referrals, guide } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const location = useLocation();
  const { overall, stages, trend, rates, paired, minAnswers } = overview;
  const pre = stages.find((s) => s.key === "pre");
  const post = stages.find((s) => s.key === "post");
  const trendLink = (g: Granularity) => {
    const params = new URLSearchParams(location.search);
    params.set("trend", g);
    return `?${params}`;
  };
  return (
    <Page title="Overview" fullWidth secondaryActions={guide.dismissed ? <ShowGuideButton /> : undefined}>
      <TitleBar title="Overview" />
      <BlockStack gap="400">
        <ActionBanners result={result} />
        {guide.dismissed ? null : <SetupGuide guide={guide} />}
        <ImportBanner importing={state.importing} />
        <FilterBar filters={filters} options={options} period={overview.period} />
        {overall.n === 0 ? (
          <NoAnswers anyAnswers={state.answers} importing={state.importing} />
        ) : (
          <Layout>
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, sm: 2, lg: 3, xl: 6 }} gap="400">
                <Figure
                  label="Net Promoter Score"
                  help={
                    overall.comparison && (
                      <InlineStack gap="100" blockAlign="center">
                        <Text as="span" tone="subdued">
                          vs previous period
                        </Text>
                        <DifferenceBadge difference={overall.comparison} />
                      </InlineStack>
                    )
                  }
                >
                  <NpsFigure group={overall} min={minAnswers} />
                </Figure>
                <Figure label="Answers">
                  <Text as="p" variant="heading2xl">
                    {formatCount(overall.n)}
                  </Text>
                  <Text as="p" tone="subdued">
                    {formatCount(overall.promoters)} promoters · {formatCount(overall.detractors)} detractors
                  </Text>
                </Figure>
                <Figure label="Response rate">
                  <Text as="p" variant="heading2xl">
                    {formatShare(rates.rate)}
                  </Text>
                  <Text as="p" tone="subdued">
                    {formatCount(rates.answered)} answered of {formatCount(rates.sent)} surveys sent
                  </Text>
                </Figure>
                <Figure label="Won back after follow-up">
                  <Text as="p" variant="heading2xl">
                    {formatShare(winBack.rate)}
                  </Text>
                  <Text as="p" tone="subdued">
                    of {formatCount(winBack.n)} resolved cases · 95% interval{" "}
                    {winBack.ciLow === null ? "–" : `${formatShare(winBack.ciLow)} to ${formatShare(winBack.ciHigh)}`}
                  </Text>
                  {referrals.apologyCodes > 0 && (
                    <Text as="p" tone="subdued">
                      {formatCount(referrals.apologyCodesUsed)} of {formatCount(referrals.apologyCodes)} apology codes
                      used
                    </Text>
                  )}
                  <RemixLink to="/app/detractors">Detractors</RemixLink>
                </Figure>
                <Figure label="After delivery vs before">
                  <Text as="p" variant="heading2xl">
                    {formatSigned(post?.comparison?.difference ?? null)}
                  </Text>
                  <DifferenceBadge difference={post?.comparison ?? null} />
                </Figure>
                <Figure label="Referral revenue">
                  <Text as="p" variant="heading2xl">
                    {new Intl.NumberFormat("en", {
                      style: "currency",
                      currency: referrals.currency ?? "USD",
                      maximumFractionDigits: 0,
                    }).format(Number(referrals.referralRevenue))}
                  </Text>
                  <Text as="p" tone="subdued">
                    {formatCount(referrals.referralOrders)} orders by friends, with {formatCount(referrals.codesUsed)}{" "}
                    promoters&rsquo; codes
                  </Text>
                  <RemixLink to="/app/settings/advocacy">Share step</RemixLink>
                </Figure>
              </InlineGrid>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Promoters, passives and detractors
                  </Text>
                  <SplitBar group={overall} />
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      NPS by {overview.trendBy}
                    </Text>
                    <ButtonGroup variant="segmented">
                      {(["week", "month"] as const).map((g) => (
                        <Button key={g} pressed={overview.trendBy === g} url={trendLink(g)}>
                          {g === "week" ? "Weekly" : "Monthly"}
                        </Button>
                      ))}
                    </ButtonGroup>
                  </InlineStack>
                  <TrendChart
                    points={trend}
                    label={`NPS by ${overview.trendBy} with its 95% interval as a band, ${trend.length} periods`}
                  />
                  <Text as="p" tone="subdued">
                    The band is the 95% interval: the fewer the answers in a {overview.trendBy}, the wider it is.
                    Periods with fewer than {minAnswers} answers are too noisy to compare.
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <TopThemes
                title="Why customers score as they do"
                groups={themes.groups}
                answers={themes.answers}
                pending={themes.pending}
              />
            </Layout.Section>
            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Before and after delivery
                  </Text>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "text"]}
                    headings={["Stage", "Answers", "NPS", "95% interval"]}
                    rows={[pre, post]
                      .filter((g): g is NpsGroup => Boolean(g))
                      .map((g) => [
                        g.key === "pre" ? "Before delivery" : "After delivery",
                        formatCount(g.n),
                        formatNps(g.nps),
                        formatInterval(g.ciLow, g.ciHigh),
                      ])}
                  />
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="span">Gap after delivery:</Text>
                    <DifferenceBadge difference={post?.comparison ?? null} />
                  </InlineStack>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section variant="oneHalf">
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Response rate by channel
                  </Text>
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric"]}
                    headings={["Answered through", "Answers", "Of surveys sent"]}
                    rows={rates.channels.map((c) => [
                      CHANNELS[c.channel as keyof typeof CHANNELS],
                      formatCount(c.answers),
                      formatShare(c.rate),
                    ])}
                  />
                  <Text as="p" tone="subdued">
                    Surveys sent in the period, by when they went out; only the date and stage filters apply.
                  </Text>
                </BlockStack>
              </Card>
            </Layout.Section>
            <Layout.Section>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Did delivery keep the promise?
                  </Text>
                  <Text as="p">
                    Of <b>{formatCount(paired.total.pairs)}</b> orders answered both before and after delivery,{" "}
                    <b>{formatCount(paired.total.down)}</b> ({formatShare(paired.total.downShare)}) moved down a
                    category after delivery and {formatCount(paired.total.up)} moved up.
                  </Text>
                  <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
                    <PairedTable title="By brand" rows={paired.byVendor.slice(0, 8)} />
                    <PairedTable title="By shipping country" rows={paired.byCountry.slice(0, 8)} />
                  </InlineGrid>
                  <Box>
                    <RemixLink to={`/app/brands${location.search}`}>All brands</RemixLink>
                  </Box>
                </BlockStack>
              </Card>
            </Layout.Section>
          </Layout>
        )}
      </BlockStack>
    </Page>
  );
}

function PairedTable({
  title,
  rows,
}: {
  title: string;
  rows: Array<{ key: string; pairs: number; down: number; downShare: number | null }>;
}) {
  return (
    <TitledTable
      title={title}
      columnContentTypes={["text", "numeric", "numeric", "numeric"]}
      headings={["", "Orders", "Moved down", "Share"]}
      rows={rows.map((r) => [r.key, formatCount(r.pairs), formatCount(r.down), formatShare(r.downShare)])}
    />
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Overview" />;
}
