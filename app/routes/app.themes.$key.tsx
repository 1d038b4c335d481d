import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, DataTable, InlineGrid, Page, Text } from "@shopify/polaris";
import { Card } from "../components/Island";
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
  NotEnough,
} from "../components/Dashboard";
import { ShareChart } from "../components/Charts";
import { CommentList } from "../components/Comments";
import { filtersFromUrl } from "../dashboard.server";
import { pageParam } from "../lib/http";
import { loadFilterOptions } from "../models/analytics.server";
import { loadTheme, loadThemeTrends } from "../models/theme-analytics.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const page = pageParam(new URL(request.url));
  const [theme, options, trends] = await Promise.all([
    loadTheme(shop, params.key ?? "", filters, page),
    loadFilterOptions(shop),
    loadThemeTrends(shop, filters),
  ]);
  if (!theme) throw new Response(`This shop has no theme called “${params.key}”.`, { status: 404 });
  return { filters, theme, options, trend: trends.themes.find((t) => t.key === theme.theme.key) ?? null };
};

const formatWeek = (week: string) =>
  new Date(`${week}T00:00:00Z`).toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" });

export default function Theme() {
  const { filters, theme, options, trend } = useLoaderData<typeof loader>();
  const spikes = trend?.weeks.filter((w) => w.spike) ?? [];
  const location = useLocation();
  const f = theme.figures;
  const label = theme.theme.label.en || theme.theme.key;
  const back = `/app/themes${location.search.replace(/([?&])page=[^&]*/g, "$1")}`;
  return (
    <Page title={label} subtitle={theme.theme.description.en} backAction={{ content: "Themes", url: back }} fullWidth>
      <TitleBar title={label} />
      <BlockStack gap="400">
        <FilterBar filters={filters} options={options} period={theme.period} />
        <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
          <Card>
            <BlockStack gap="100">
              <Text as="h2" variant="headingSm" tone="subdued">
                Answers mentioning it
              </Text>
              <Text as="p" variant="heading2xl">
                {formatCount(f?.n ?? 0)}
              </Text>
              <Text as="p" tone="subdued">
                {formatShare(f?.share ?? 0)} of {formatCount(theme.answers)} answers · NPS {formatNps(f?.nps ?? null)} (
                {formatInterval(f?.ciLow ?? null, f?.ciHigh ?? null)})
              </Text>
              {f && f.n > 0 && !f.enoughAnswers && <NotEnough n={f.n} min={theme.minAnswers} />}
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm" tone="subdued">
                Impact on your NPS
              </Text>
              <Text as="p" variant="heading2xl">
                {formatSigned(f?.impact ?? null)}
              </Text>
              <Text as="p" tone="subdued">
                Points: your NPS minus your NPS without these answers.
              </Text>
              <DifferenceBadge difference={f?.comparison ?? null} />
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm" tone="subdued">
                Before and after delivery
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric"]}
                headings={["Stage", "Answers", "Share", "NPS", "Impact"]}
                rows={(f ? [f.pre, f.post] : []).map((g, i) => [
                  i === 0 ? "Before" : "After",
                  formatCount(g.n),
                  formatShare(g.share),
                  formatNps(g.nps),
                  formatSigned(g.impact),
                ])}
              />
            </BlockStack>
          </Card>
        </InlineGrid>
        {trend && trend.weeks.length > 1 && (
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Share of answers per week
              </Text>
              <ShareChart points={trend.weeks} label={`${label}: share of answers per week`} />
              <Text as="p" tone="subdued">
                A week is a spike when its mentions would happen by chance less than once in a thousand at the share of
                the eight weeks before (a one-sided binomial test), with at least five mentions.{" "}
                {spikes.length === 0
                  ? "No week of this view is one."
                  : `Spikes: ${spikes
                      .map(
                        (w) =>
                          `week of ${formatWeek(w.week)} (${w.mentions} of ${w.answers} answers, ${formatShare(w.share)})`,
                      )
                      .join("; ")}.`}
              </Text>
            </BlockStack>
          </Card>
        )}
        <Card padding="0">
          <div style={{ padding: "var(--p-space-400)" }}>
            <Text as="h2" variant="headingMd">
              Comments
            </Text>
          </div>
          <CommentList
            comments={theme.comments}
            themes={options.themes}
            empty={`No comment in this view mentions ${label.toLowerCase()}.`}
            page={theme.page}
            hasNext={theme.hasNext}
          />
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Theme" />;
}
