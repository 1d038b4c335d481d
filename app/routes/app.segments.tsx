import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, DataTable, InlineStack, Page, Text } from "@shopify/polaris";
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
  ImportBanner,
  NoAnswers,
  NotEnough,
} from "../components/Dashboard";
import { filtersFromUrl } from "../dashboard.server";
import { segmentLabel, SEGMENT_KEYS } from "../domain/analytics-filters";
import { loadFilterOptions, loadSegments, loadShopState } from "../models/analytics.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const [segments, state, options] = await Promise.all([
    loadSegments(shop, filters),
    loadShopState(shop),
    loadFilterOptions(shop),
  ]);
  return { filters, segments, state, options };
};

/** Red (−100) through grey (0) to blue (+100); text stays readable on every shade. */
function heatColor(nps: number) {
  const t = Math.max(-1, Math.min(1, nps / 100));
  const [r, g, b] = t < 0 ? [215, 44, 13] : [44, 110, 203];
  const a = 0.12 + Math.abs(t) * 0.6;
  return `rgba(${r}, ${g}, ${b}, ${a.toFixed(2)})`;
}

export default function Segments() {
  const { filters, segments, state, options } = useLoaderData<typeof loader>();
  const { minAnswers } = segments;
  const total = segments.segments.reduce((s, g) => s + g.n, 0);
  // Segments in the order of the RFM grid, those without answers left out of the heat map.
  const columns = SEGMENT_KEYS.filter((k) => segments.heat.some((c) => c.segment === k));
  const cell = new Map(segments.heat.map((c) => [`${c.vendor}\u0000${c.segment}`, c]));
  return (
    <Page title="Segments" fullWidth>
      <TitleBar title="Segments" />
      <BlockStack gap="400">
        <ImportBanner importing={state.importing} />
        <FilterBar filters={filters} options={options} period={segments.period} hide={["segment"]} />
        {total === 0 ? (
          <NoAnswers
            anyAnswers={state.answers}
            importing={state.importing}
            what="NPS for each RFM segment of your customers appears here."
          />
        ) : (
          <>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    NPS by RFM segment
                  </Text>
                  <Text as="p" tone="subdued">
                    Segments from each customer&apos;s whole order history (recency, frequency, monetary value), as last
                    computed. Customers and revenue are shares of all customers; answers follow the filters.
                  </Text>
                </BlockStack>
              </div>
              <DataTable
                columnContentTypes={["text", "numeric", "numeric", "numeric", "numeric", "numeric", "text", "text"]}
                headings={[
                  "Segment",
                  "Customers",
                  "Share of customers",
                  "Share of revenue",
                  "Answers",
                  "NPS",
                  "95% interval",
                  "Against the rest",
                ]}
                rows={[...segments.segments]
                  .sort((a, b) => SEGMENT_KEYS.indexOf(a.key) - SEGMENT_KEYS.indexOf(b.key))
                  .map((g) => [
                    segmentLabel(g.key),
                    formatCount(g.customers),
                    formatShare(g.customerShare),
                    formatShare(g.revenueShare),
                    formatCount(g.n),
                    g.enoughAnswers ? (
                      formatNps(g.nps)
                    ) : (
                      <InlineStack key="n" gap="100" align="end" wrap={false}>
                        <span>{formatNps(g.nps)}</span>
                        <NotEnough n={g.n} min={minAnswers} />
                      </InlineStack>
                    ),
                    formatInterval(g.ciLow, g.ciHigh),
                    <DifferenceBadge key="d" difference={g.comparison} />,
                  ])}
              />
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Brand × segment
                </Text>
                <Text as="p" tone="subdued">
                  NPS of each brand&apos;s answers within a segment. Cells with fewer than {minAnswers} answers are
                  hidden (–): their score would be noise.
                </Text>
                <div style={{ overflowX: "auto" }}>
                  <table style={{ borderCollapse: "separate", borderSpacing: 2, width: "100%", fontSize: 13 }}>
                    <caption style={{ position: "absolute", left: -10000 }}>
                      NPS by brand and RFM segment; hidden cells have too few answers
                    </caption>
                    <thead>
                      <tr>
                        <th scope="col" style={{ textAlign: "left", padding: "4px 8px" }}>
                          Brand
                        </th>
                        {columns.map((k) => (
                          <th key={k} scope="col" style={{ padding: "4px 6px", fontWeight: 600, whiteSpace: "nowrap" }}>
                            {segmentLabel(k)}
                          </th>
                        ))}
                      </tr>
                    </thead>
                    <tbody>
                      {segments.vendors.map((vendor) => (
                        <tr key={vendor}>
                          <th scope="row" style={{ textAlign: "left", padding: "4px 8px", whiteSpace: "nowrap" }}>
                            {vendor}
                          </th>
                          {columns.map((k) => {
                            const c = cell.get(`${vendor}\u0000${k}`);
                            const shown = c && c.nps !== null;
                            return (
                              <td
                                key={k}
                                title={c ? `${c.n} answers` : "No answers"}
                                style={{
                                  textAlign: "center",
                                  padding: "6px 4px",
                                  borderRadius: 4,
                                  background: shown ? heatColor(c.nps!) : "var(--p-color-bg-surface-secondary)",
                                  color: shown ? "inherit" : "var(--p-color-text-secondary)",
                                }}
                              >
                                {shown ? formatNps(c.nps) : "–"}
                              </td>
                            );
                          })}
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </BlockStack>
            </Card>
          </>
        )}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Segments" />;
}
