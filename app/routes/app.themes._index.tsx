import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, Card, DataTable, InlineStack, Page, Text } from "@shopify/polaris";
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
import { reportThemes, type ThemeFigures } from "../models/theme-analytics.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const [report, state, options] = await Promise.all([
    reportThemes(shop, filters),
    loadShopState(shop),
    loadFilterOptions(shop),
  ]);
  return { filters, report, state, options };
};

function Stage({ figures }: { figures: ThemeFigures }) {
  if (figures.n === 0) return <>–</>;
  return (
    <span title={`${figures.n} answers; impact on that stage's NPS ${formatSigned(figures.impact)} points`}>
      {formatNps(figures.nps)} <Impact impact={figures.impact} />
    </span>
  );
}

export default function Themes() {
  const { filters, report, state, options } = useLoaderData<typeof loader>();
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
          <NoAnswers anyAnswers={state.answers} importing={state.importing} />
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
              columnContentTypes={["text", "numeric", "numeric", "numeric", "text", "numeric", "text", "text", "text"]}
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
              ])}
            />
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Themes" />;
}
