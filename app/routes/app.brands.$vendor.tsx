import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Box,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Page,
  Pagination,
  Text,
} from "@shopify/polaris";
import { requireAdmin } from "../admin.server";
import { pageParam } from "../lib/http";
import { TrendChart } from "../components/Charts";
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

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const vendor = params.vendor ?? "";
  const filters = filtersFromUrl(request);
  const page = pageParam(new URL(request.url));
  const [brand, options] = await Promise.all([loadBrand(shop, vendor, filters, page), loadFilterOptions(shop)]);
  if (!brand.overall && !options.vendors.includes(vendor)) {
    throw new Response(`No brand called “${vendor}” sells in this shop.`, { status: 404 });
  }
  return { filters, brand, options };
};

const CATEGORY_TONE = { PROMOTER: "success", PASSIVE: undefined, DETRACTOR: "critical" } as const;

export default function Brand() {
  const { filters, brand, options } = useLoaderData<typeof loader>();
  const location = useLocation();
  const overall = brand.overall;
  const pageLink = (page: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(page));
    return `?${params}`;
  };
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
        <Card padding="0">
          <div style={{ padding: "var(--p-space-400)" }}>
            <Text as="h2" variant="headingMd">
              Comments
            </Text>
          </div>
          {brand.comments.length === 0 ? (
            <Box padding="400" paddingBlockStart="0">
              <Text as="p" tone="subdued">
                No comments in this view.
              </Text>
            </Box>
          ) : (
            <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
              {brand.comments.map((c) => (
                <li key={c.id} style={{ borderTop: "1px solid var(--p-color-border-secondary)" }}>
                  <Box padding="400">
                    <BlockStack gap="100">
                      <InlineStack gap="200" blockAlign="center">
                        <Badge
                          tone={CATEGORY_TONE[c.category as keyof typeof CATEGORY_TONE]}
                        >{`Score ${c.score}`}</Badge>
                        <Text as="span" tone="subdued">
                          {c.orderName} · {c.stage === "pre" ? "before delivery" : "after delivery"} ·{" "}
                          {new Date(c.answeredAt).toLocaleDateString("en", { dateStyle: "medium" })}
                        </Text>
                      </InlineStack>
                      <Text as="p">{c.comment}</Text>
                    </BlockStack>
                  </Box>
                </li>
              ))}
            </ul>
          )}
          <div style={{ padding: "var(--p-space-300)", display: "flex", justifyContent: "center" }}>
            <Pagination
              hasPrevious={brand.page > 1}
              previousURL={pageLink(brand.page - 1)}
              hasNext={brand.hasNext}
              nextURL={pageLink(brand.page + 1)}
              label={`Page ${brand.page}`}
            />
          </div>
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Brand" />;
}
