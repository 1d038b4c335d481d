import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useLocation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { Banner, BlockStack, DataTable, InlineGrid, Page, Text } from "@shopify/polaris";
import { Card } from "../components/Island";
import { requireAdmin } from "../admin.server";
import {
  DashboardError,
  FilterBar,
  formatCount,
  formatShare,
  NoAnswers,
  NotEnough,
  TitledTable,
} from "../components/Dashboard";
import { filtersFromUrl } from "../dashboard.server";
import type { Proportion } from "../domain/follow-up";
import { loadFilterOptions, loadShopState } from "../models/analytics.server";
import { loadCustomerWorth, type Mean, type WindowFigures } from "../models/customer-worth.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const [worth, options, state] = await Promise.all([
    loadCustomerWorth(shop, filters),
    loadFilterOptions(shop),
    loadShopState(shop),
  ]);
  return { filters, worth, options, state };
};

function useMoney(currency: string | null) {
  const format = new Intl.NumberFormat("en", {
    style: currency ? "currency" : "decimal",
    currency: currency ?? undefined,
    maximumFractionDigits: 0,
  });
  return (x: number | null) => (x === null ? "–" : format.format(x));
}

const rate = (p: Proportion) =>
  p.rate === null ? "–" : `${formatShare(p.rate)} (${formatShare(p.ciLow)} to ${formatShare(p.ciHigh)})`;

export default function Value() {
  const { filters, worth, options, state } = useLoaderData<typeof loader>();
  const location = useLocation();
  const money = useMoney(worth.currency);
  const mean = (m: Mean) =>
    m.mean === null
      ? "–"
      : m.ciLow === null
        ? money(m.mean)
        : `${money(m.mean)} (${money(m.ciLow)} to ${money(m.ciHigh)})`;
  const windowCells = (w: WindowFigures, enough: boolean) =>
    enough ? [rate(w.reordered), mean(w.revenue)] : ["–", "–"];
  const themes = worth.themes.filter((t) => t.d90.reordered.n > 0);
  return (
    <Page title="What customers are worth" fullWidth>
      <TitleBar title="What customers are worth" />
      <BlockStack gap="400">
        <FilterBar filters={filters} options={options} period={worth.period} defaultRange="all" />
        {state.answers ? (
          <>
            <Banner tone="info">
              <p>
                These figures describe your own customers’ history: they show how answers and later orders go together,
                not that one causes the other. Groups with fewer than {worth.minAnswers} answers are not shown.
              </p>
            </Banner>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    Ordering again after answering
                  </Text>
                  <Text as="p" tone="subdued">
                    For each answered order (its latest answer: after delivery when there is one, so that the stage
                    filter before delivery keeps the orders answered only then) at least 90 days old: did the customer
                    order again within 90 days, and within 180 days for answers that old; and their revenue in that
                    time, per answer (zero when they did not order). {formatCount(worth.answers.d90)} answers are old
                    enough for 90 days, {formatCount(worth.answers.d180)} for 180. Rates with their 95% Wilson interval;
                    revenue with a 95% interval from the normal approximation.
                  </Text>
                </BlockStack>
              </div>
              <DataTable
                columnContentTypes={["text", "numeric", "text", "text", "text", "text"]}
                headings={[
                  "Answered as",
                  "Answers",
                  "Ordered again in 90 days",
                  "Revenue in 90 days",
                  "Ordered again in 180 days",
                  "Revenue in 180 days",
                ]}
                rows={worth.categories.map((g) => [
                  g.label,
                  g.enough ? (
                    formatCount(g.d90.reordered.n)
                  ) : (
                    <NotEnough key="n" n={g.d90.reordered.n} min={worth.minAnswers} />
                  ),
                  ...windowCells(g.d90, g.enough),
                  ...windowCells(g.d180, g.enough && g.d180.reordered.n >= worth.minAnswers),
                ])}
              />
            </Card>
            <Card padding="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    By theme: customers who wrote about it, against the rest
                  </Text>
                  <Text as="p" tone="subdued">
                    Of the answers whose comment mentions the theme, how many customers ordered again within 90 and 180
                    days, next to the answers of this view that do not mention it.
                  </Text>
                </BlockStack>
              </div>
              <DataTable
                columnContentTypes={["text", "numeric", "text", "text", "text", "text"]}
                headings={[
                  "Theme",
                  "Answers",
                  "Ordered again in 90 days",
                  "The rest, 90 days",
                  "Ordered again in 180 days",
                  "The rest, 180 days",
                ]}
                rows={themes.map((t) => [
                  <Link key="t" to={`/app/themes/${encodeURIComponent(t.key)}${location.search}`}>
                    {t.label}
                  </Link>,
                  formatCount(t.d90.reordered.n),
                  t.enough ? rate(t.d90.reordered) : "–",
                  t.enough ? rate(t.rest.d90.reordered) : "–",
                  ...(t.enough && t.d180.reordered.n >= worth.minAnswers && t.rest.d180.reordered.n >= worth.minAnswers
                    ? [rate(t.d180.reordered), rate(t.rest.d180.reordered)]
                    : ["–", "–"]),
                ])}
              />
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Revenue at risk
                </Text>
                <Text as="p">
                  <b>{money(worth.risk.revenue)}</b> in the last twelve months came from{" "}
                  {formatCount(worth.risk.customers)} customers whose latest answer is a detractor’s and who were not
                  won back. Whole shop, whatever the filters above; groups of fewer than {worth.minAnswers} customers
                  are left out.
                </Text>
                <InlineGrid columns={{ xs: 1, md: 3 }} gap="400">
                  <RiskTable title="By theme of their comment" rows={worth.risk.byTheme} money={money} />
                  <RiskTable title="By brand of their order" rows={worth.risk.byBrand} money={money} />
                  <RiskTable title="By segment today" rows={worth.risk.bySegment} money={money} />
                </InlineGrid>
              </BlockStack>
            </Card>
          </>
        ) : (
          <NoAnswers
            anyAnswers={false}
            importing={state.importing}
            what="How promoters, passives and detractors order again, and the revenue at risk from unhappy customers, appear here once answers are 90 days old."
          />
        )}
      </BlockStack>
    </Page>
  );
}

function RiskTable({
  title,
  rows,
  money,
}: {
  title: string;
  rows: Array<{ key: string; label: string; customers: number; revenue: number }>;
  money: (x: number | null) => string;
}) {
  return (
    <TitledTable
      title={title}
      columnContentTypes={["text", "numeric", "numeric"]}
      headings={["", "Customers", "Revenue"]}
      rows={rows.slice(0, 8).map((r) => [r.label, formatCount(r.customers), money(r.revenue)])}
    />
  );
}

export function ErrorBoundary() {
  return <DashboardError title="What customers are worth" />;
}
