import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Badge, Banner, BlockStack, DataTable, InlineStack, Page, Text, Tooltip } from "@shopify/polaris";
import { Card } from "../components/Island";
import { Sparkline } from "../components/Charts";
import { segmentLabel } from "../domain/analytics-filters";
import { requireAdmin } from "../admin.server";
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
} from "../components/Dashboard";
import { Impact } from "../components/Themes";
import { filtersFromUrl } from "../dashboard.server";
import { loadFilterOptions, loadShopState } from "../models/analytics.server";
import { countUncovered } from "../models/theme-discovery.server";
import {
  type Breakdown,
  loadThemeBreakdowns,
  loadThemeTrends,
  reportThemes,
  type ThemeFigures,
} from "../models/theme-analytics.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const [report, trends, breakdowns, uncovered, state, options] = await Promise.all([
    reportThemes(shop, filters),
    loadThemeTrends(shop, filters),
    loadThemeBreakdowns(shop, filters),
    countUncovered(shop, { ...filters, theme: undefined }),
    loadShopState(shop),
    loadFilterOptions(shop),
  ]);
  return { filters, report, trends, breakdowns, uncovered, state, options };
};

function Stage({ figures }: { figures: ThemeFigures }) {
  if (figures.n === 0) return <>–</>;
  return (
    <span title={`${figures.n} answers; impact on that stage's NPS ${formatSigned(figures.impact)} points`}>
      {formatNps(figures.nps)} <Impact impact={figures.impact} />
    </span>
  );
}

type Trend = Awaited<ReturnType<typeof loadThemeTrends>>["themes"][number];

const weekLabel = (week: string) =>
  new Date(`${week}T00:00:00Z`).toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });

function WeeklyShare({ label, trend }: { label: string; trend: Trend | undefined }) {
  if (!trend) return <>–</>;
  const spike = trend.latestSpike;
  return (
    <InlineStack gap="200" blockAlign="center" wrap={false}>
      <Sparkline
        points={trend.weeks.map((w) => ({ month: w.week, nps: w.share === null ? null : w.share * 100 }))}
        label={`${label}: share of answers per week`}
      />
      {spike && (
        <Tooltip
          content={`Week of ${weekLabel(spike.week)}: ${spike.mentions} of ${spike.answers} answers (${formatShare(spike.share)}) against ${formatShare(spike.baseline)} in the 8 weeks before; that many by chance: p = ${spike.pValue!.toPrecision(2)}.`}
        >
          <Badge tone="warning">{`Spike ${weekLabel(spike.week)}`}</Badge>
        </Tooltip>
      )}
    </InlineStack>
  );
}

function BreakdownTable({
  title,
  help,
  breakdown,
  labels,
  groupLabel,
  minAnswers,
}: {
  title: string;
  help: string;
  breakdown: Breakdown;
  labels: Map<string, string>;
  groupLabel: (key: string) => string;
  minAnswers: number;
}) {
  if (breakdown.groups.length === 0) return null;
  const cell = (theme: string, group: { key: string; answers: number }) => {
    if (group.answers < minAnswers) return "";
    const found = breakdown.cells.find((c) => c.theme === theme && c.group === group.key);
    if (!found || found.share === null) return "0%";
    const text = formatShare(found.share);
    if (found.against === 0) return text;
    return <b key="c">{`${text} ${found.against > 0 ? "↑" : "↓"}`}</b>;
  };
  return (
    <Card padding="0">
      <div style={{ padding: "var(--p-space-400)" }}>
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Text as="p" tone="subdued">
            {help} Groups with fewer than {minAnswers} answers are left blank.
          </Text>
        </BlockStack>
      </div>
      <DataTable
        columnContentTypes={["text", ...breakdown.groups.map(() => "numeric" as const)]}
        headings={["Theme", ...breakdown.groups.map((g) => `${groupLabel(g.key)} (${formatCount(g.answers)})`)]}
        rows={[...labels.entries()].map(([key, label]) => [label, ...breakdown.groups.map((g) => cell(key, g))])}
      />
    </Card>
  );
}

export default function Themes() {
  const { filters, report, trends, breakdowns, uncovered, state, options } = useLoaderData<typeof loader>();
  const trendOf = (key: string) => trends.themes.find((t) => t.key === key);
  const labels = new Map(report.groups.map((g) => [g.key, g.label]));
  const location = useLocation();
  // The costliest first: what a merchant would fix first.
  const groups = [...report.groups].sort((a, b) => (a.impact ?? 0) - (b.impact ?? 0) || b.n - a.n);
  return (
    <Page title="Themes" fullWidth secondaryActions={[{ content: "Edit themes", url: "/app/settings/themes" }]}>
      <TitleBar title="Themes" />
      <BlockStack gap="400">
        <ImportBanner importing={state.importing} />
        <FilterBar filters={filters} options={options} period={{ from: report.from, to: report.to }} />
        {report.pending > 0 && (
          <Banner tone="info" title="Reading comments">
            <p>
              {formatCount(report.pending)} comments are waiting to be read for themes (new answers, or after a change
              of themes). The figures below grow as they are read.
            </p>
          </Banner>
        )}
        {report.answers === 0 ? (
          <NoAnswers
            anyAnswers={state.answers}
            importing={state.importing}
            what="What shoppers write about, theme by theme, and what each theme costs in NPS appears here."
          />
        ) : (
          <Card padding="0">
            <div style={{ padding: "var(--p-space-400)" }}>
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  What shoppers write about, and what it does to your NPS
                </Text>
                <Text as="p" tone="subdued">
                  Each theme: the answers whose comment mentions it, their NPS, and its impact: your NPS minus the NPS
                  you would have without those answers ({formatCount(report.answers)} answers in this view). A negative
                  impact costs you points; a positive one adds them. Before and after delivery show the same for each
                  stage.
                </Text>
              </BlockStack>
            </div>
            <DataTable
              columnContentTypes={[
                "text",
                "numeric",
                "numeric",
                "numeric",
                "text",
                "numeric",
                "text",
                "text",
                "text",
                "text",
              ]}
              headings={[
                "Theme",
                "Answers",
                "Share",
                "NPS",
                "95% interval",
                "Impact (points)",
                "Against answers without it",
                "Before delivery",
                "After delivery",
                "Weekly share",
              ]}
              rows={groups.map((g) => [
                <Link key="t" to={`/app/themes/${encodeURIComponent(g.key)}${location.search}`}>
                  {g.label}
                </Link>,
                formatCount(g.n),
                formatShare(g.share),
                g.enoughAnswers || g.n === 0 ? (
                  formatNps(g.nps)
                ) : (
                  <InlineStack key="n" gap="100" align="end" wrap={false}>
                    <span>{formatNps(g.nps)}</span>
                    <NotEnough n={g.n} min={report.minAnswers} />
                  </InlineStack>
                ),
                formatInterval(g.ciLow, g.ciHigh),
                <Impact key="i" impact={g.impact} />,
                <DifferenceBadge key="d" difference={g.comparison} />,
                <Stage key="pre" figures={g.pre} />,
                <Stage key="post" figures={g.post} />,
                <WeeklyShare key="w" label={g.label} trend={trendOf(g.key)} />,
              ])}
            />
          </Card>
        )}
        {uncovered.commented > 0 && (
          <Card>
            <InlineStack align="space-between" blockAlign="center" gap="200">
              <Text as="p">
                <b>{formatCount(uncovered.uncovered)}</b> of {formatCount(uncovered.commented)} comments in this view (
                {formatShare(uncovered.uncovered / uncovered.commented)}) mention none of these themes.
              </Text>
              <Link to={`/app/themes/no-theme${location.search}`}>See what they talk about</Link>
            </InlineStack>
          </Card>
        )}
        {report.answers > 0 && (
          <>
            <BreakdownTable
              title="Themes by brand"
              help="The share of each brand's answers that mention the theme (an order with several brands counts for each), for the ten brands where a theme stands out most, then the largest. Bold with an arrow: significantly above (↑) or below (↓) the rest of the view."
              breakdown={breakdowns.byBrand}
              labels={labels}
              groupLabel={(key) => key}
              minAnswers={breakdowns.minAnswers}
            />
            <BreakdownTable
              title="Themes by customer segment"
              help="The share of each segment's answers that mention the theme, with the customers' RFM segment today."
              breakdown={breakdowns.bySegment}
              labels={labels}
              groupLabel={segmentLabel}
              minAnswers={breakdowns.minAnswers}
            />
          </>
        )}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Themes" />;
}
