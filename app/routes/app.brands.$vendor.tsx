import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, DataTable, InlineGrid, Page, Text } from "@shopify/polaris";
import { Card } from "../components/Island";
import { requireAdmin } from "../admin.server";
import { pageParam } from "../lib/http";
import { TrendChart } from "../components/Charts";
import { CommentList } from "../components/Comments";
import { TopThemes } from "../components/Themes";
import {
  DashboardError,
  DifferenceBadge,
  FilterBar,
  formatCount,
  formatInterval,
  formatNps,
  NotEnough,
} from "../components/Dashboard";
import { filtersFromUrl } from "../dashboard.server";
import { loadBrand, loadFilterOptions } from "../models/analytics.server";
import { reportThemes } from "../models/theme-analytics.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const vendor = params.vendor ?? "";
  const filters = filtersFromUrl(request);
  const page = pageParam(new URL(request.url));
  const [brand, options, themes] = await Promise.all([
    loadBrand(shop, vendor, filters, page),
    loadFilterOptions(shop),
    reportThemes(shop, { ...filters, vendor }),
  ]);
  if (!brand.overall && !options.vendors.includes(vendor)) {
    throw new Response(`No brand called “${vendor}” sells in this shop.`, { status: 404 });
  }
  return { filters, brand, options, themes };
};

export default function Brand() {
  const { filters, brand, options, themes } = useLoaderData<typeof loader>();
  const location = useLocation();
  const overall = brand.overall;
  const back = `/app/brands${location.search.replace(/([?&])page=[^&]*/g, "$1")}`;
  return (
    <Page title={brand.vendor} backAction={{ content: "Brands", url: back }} fullWidth>
      <TitleBar title={brand.vendor} />
      <BlockStack gap="400">
        <FilterBar filters={filters} options={options} period={brand.period} hide={["vendor"]} />
        <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
          <Card>
            <BlockStack gap="100">
              <Text as="h2" variant="headingSm" tone="subdued">
                Net Promoter Score
              </Text>
              <Text as="p" variant="heading2xl">
                {formatNps(overall?.nps ?? null)}
              </Text>
              <Text as="p" tone="subdued">
                95% interval {formatInterval(overall?.ciLow ?? null, overall?.ciHigh ?? null)} ·{" "}
                {formatCount(overall?.n ?? 0)} answers
              </Text>
              {overall && !overall.enoughAnswers && <NotEnough n={overall.n} min={brand.minAnswers} />}
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm" tone="subdued">
                Against the rest of the shop
              </Text>
              <DifferenceBadge difference={overall?.comparison ?? null} />
            </BlockStack>
          </Card>
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingSm" tone="subdued">
                Before and after delivery
              </Text>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "text"]}
                headings={["Stage", "Answers", "NPS", "95% interval"]}
                rows={brand.stages.map((g) => [
                  g.key === "pre" ? "Before" : "After",
                  formatCount(g.n),
                  formatNps(g.nps),
                  formatInterval(g.ciLow, g.ciHigh),
                ])}
              />
              <DifferenceBadge difference={brand.stages.find((g) => g.key === "post")?.comparison ?? null} />
            </BlockStack>
          </Card>
        </InlineGrid>
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              NPS by {brand.trendBy}
            </Text>
            <TrendChart points={brand.trend} label={`${brand.vendor}: NPS by ${brand.trendBy} with its 95% interval`} />
          </BlockStack>
        </Card>
        <TopThemes
          title={`What shoppers write about ${brand.vendor}`}
          groups={themes.groups}
          answers={themes.answers}
          pending={themes.pending}
          scope={{ vendor: brand.vendor }}
        />
        <Card padding="0">
          <div style={{ padding: "var(--p-space-400)" }}>
            <Text as="h2" variant="headingMd">
              Comments
            </Text>
          </div>
          <CommentList
            comments={brand.comments}
            themes={options.themes}
            empty="No comments in this view."
            page={brand.page}
            hasNext={brand.hasNext}
          />
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Brand" />;
}
