import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useLoaderData, useLocation, useNavigate } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, IndexTable, InlineStack, Page, Text, TextField } from "@shopify/polaris";
import { Card } from "../components/Island";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireAdmin } from "../admin.server";
import { pageParam } from "../lib/http";
import { Sparkline } from "../components/Charts";
import {
  DashboardError,
  DifferenceBadge,
  FilterBar,
  formatCount,
  formatInterval,
  formatNps,
  ImportBanner,
  NoAnswers,
  NotEnough,
} from "../components/Dashboard";
import { filtersFromUrl } from "../dashboard.server";
import { type BrandSort, loadBrands, loadFilterOptions, loadShopState } from "../models/analytics.server";

const TableSchema = z.object({
  q: z.string().max(255).optional().catch(undefined),
  sort: z.enum(["vendor", "n", "nps", "difference", "gap"]).optional().catch(undefined),
  dir: z.enum(["asc", "desc"]).optional().catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const url = new URL(request.url);
  const table = { ...TableSchema.parse(Object.fromEntries(url.searchParams)), page: pageParam(url) };
  const [brands, state, options] = await Promise.all([
    loadBrands(shop, filters, { search: table.q, sort: table.sort, direction: table.dir, page: table.page }),
    loadShopState(shop),
    loadFilterOptions(shop),
  ]);
  return { filters, brands, state, options, q: table.q ?? "" };
};

// Column order of the table; null where a column cannot be sorted.
const COLUMNS: Array<{ title: string; sort: BrandSort | null }> = [
  { title: "Brand", sort: "vendor" },
  { title: "Answers", sort: "n" },
  { title: "NPS", sort: "nps" },
  { title: "95% interval", sort: null },
  { title: "Against the rest of the shop", sort: "difference" },
  { title: "After delivery vs before", sort: "gap" },
  { title: "By month", sort: null },
];

/**
 * The search field keeps what is typed to itself: a keystroke re-renders the field, not the
 * page and its cards (which may still be hydrating).
 */
function BrandSearch({ q, onSearch }: { q: string; onSearch: (search: string) => void }) {
  const [search, setSearch] = useState(q);
  useEffect(() => setSearch(q), [q]);
  // Search as the merchant types, without a request per keystroke.
  useEffect(() => {
    if (search === q) return;
    const timer = setTimeout(() => onSearch(search), 300);
    return () => clearTimeout(timer);
  });
  return (
    <TextField
      label="Search brands"
      labelHidden
      placeholder="Search brands"
      value={search}
      onChange={setSearch}
      clearButton
      onClearButtonClick={() => setSearch("")}
      autoComplete="off"
    />
  );
}

export default function Brands() {
  const { filters, brands, state, options, q } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const location = useLocation();
  const go = (change: Record<string, string | undefined>) => {
    const params = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined || v === "") params.delete(k);
      else params.set(k, v);
    }
    navigate(`?${params}`);
  };
  const sortIndex = COLUMNS.findIndex((c) => c.sort === brands.sort);
  const detail = (vendor: string) =>
    `/app/brands/${encodeURIComponent(vendor)}${location.search.replace(/([?&])(q|sort|dir|page)=[^&]*/g, "$1")}`;

  return (
    <Page title="Brands" fullWidth>
      <TitleBar title="Brands" />
      <BlockStack gap="400">
        <ImportBanner importing={state.importing} />
        <FilterBar filters={filters} options={options} period={brands.period} hide={["vendor"]} />
        {brands.shop.n === 0 ? (
          <NoAnswers
            anyAnswers={state.answers}
            importing={state.importing}
            what="NPS for each brand (product vendor) of the answered orders appears here."
          />
        ) : (
          <Card padding="0">
            <BlockStack gap="0">
              <div style={{ padding: "var(--p-space-400)" }}>
                <BlockStack gap="300">
                  <Text as="p" tone="subdued">
                    An answer counts once for every distinct brand in its order: an order with two brands gives each of
                    them the answer. Shop NPS in this view: <b>{formatNps(brands.shop.nps)}</b> from{" "}
                    {formatCount(brands.shop.n)} answers. Brands with fewer than {brands.minAnswers} answers are listed
                    but not ranked.
                  </Text>
                  <BrandSearch q={q} onSearch={(search) => go({ q: search, page: undefined })} />
                </BlockStack>
              </div>
              <IndexTable
                resourceName={{ singular: "brand", plural: "brands" }}
                itemCount={brands.brands.length}
                selectable={false}
                headings={COLUMNS.map((c) => ({ title: c.title })) as [{ title: string }, ...{ title: string }[]]}
                sortable={COLUMNS.map((c) => c.sort !== null)}
                sortColumnIndex={sortIndex >= 0 ? sortIndex : undefined}
                sortDirection={brands.direction === "asc" ? "ascending" : "descending"}
                onSort={(index, direction) =>
                  go({
                    sort: COLUMNS[index]!.sort ?? undefined,
                    dir: direction === "ascending" ? "asc" : "desc",
                    page: undefined,
                  })
                }
                emptyState={
                  <div style={{ padding: "var(--p-space-400)" }}>
                    <Text as="p">No brand matches “{q}”.</Text>
                  </div>
                }
                pagination={{
                  hasPrevious: brands.page > 1,
                  hasNext: brands.page < brands.pages,
                  onPrevious: () => go({ page: String(brands.page - 1) }),
                  onNext: () => go({ page: String(brands.page + 1) }),
                  label: `Page ${brands.page} of ${brands.pages} · ${formatCount(brands.total)} brands`,
                }}
              >
                {brands.brands.map((b, index) => (
                  <IndexTable.Row id={b.key} key={b.key} position={index}>
                    <IndexTable.Cell>
                      <RemixLink to={detail(b.key)}>
                        <Text as="span" fontWeight="semibold">
                          {b.key}
                        </Text>
                      </RemixLink>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Text as="span" numeric>
                        {formatCount(b.n)}
                      </Text>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <InlineStack gap="200" blockAlign="center" wrap={false}>
                        <Text as="span" numeric fontWeight="semibold">
                          {formatNps(b.nps)}
                        </Text>
                        {b.rank !== null ? (
                          <Text as="span" tone="subdued">
                            #{b.rank}
                          </Text>
                        ) : (
                          <NotEnough n={b.n} min={brands.minAnswers} />
                        )}
                      </InlineStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>{formatInterval(b.ciLow, b.ciHigh)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <DifferenceBadge difference={b.comparison} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <DifferenceBadge difference={b.gap} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <Sparkline points={b.spark} label={`${b.key}: NPS by month`} />
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            </BlockStack>
          </Card>
        )}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Brands" />;
}
