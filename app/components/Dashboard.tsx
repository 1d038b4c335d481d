import { Island } from "./Island";
import { useLocation, useNavigate, useRouteError, isRouteErrorResponse } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  DataTable,
  EmptyState,
  InlineStack,
  Page,
  Select,
  Text,
  TextField,
  Tooltip,
} from "@shopify/polaris";
import { Card } from "./Island";
import { boundary } from "@shopify/shopify-app-remix/server";
import { type CSSProperties, useState } from "react";
import {
  type AnalyticsFilters,
  CHANNELS,
  DATE_PRESETS,
  filtersToSearch,
  type Period,
  SEGMENT_KEYS,
  segmentLabel,
  STAGES,
} from "../domain/analytics-filters";

// A speech bubble with a score scale: drawn inline so the empty state loads nothing from elsewhere.
const EMPTY_IMAGE = `data:image/svg+xml;utf8,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160"><rect x="23" y="20" width="180" height="100" rx="14" fill="#e3e8ef"/><path d="M70 120l-14 26 34-26z" fill="#e3e8ef"/>' +
    Array.from(
      { length: 11 },
      (_, i) =>
        `<rect x="${35 + i * 15}" y="60" width="11" height="20" rx="3" fill="${i < 7 ? "#c9ccd3" : i < 9 ? "#9ca6b5" : "#2c6ecb"}"/>`,
    ).join("") +
    "</svg>",
)}`;

export const FILTER_KEYS = [
  "range",
  "from",
  "to",
  "stage",
  "channel",
  "vendor",
  "segment",
  "country",
  "theme",
] as const;

const number = new Intl.NumberFormat("en");
export const formatCount = (n: number) => number.format(n);
export const formatNps = (n: number | null) => (n === null ? "–" : n.toFixed(1));
export const formatShare = (x: number | null) => (x === null ? "–" : `${(x * 100).toFixed(1)}%`);
export const formatInterval = (low: number | null, high: number | null) =>
  low === null || high === null ? "–" : `${low.toFixed(1)} to ${high.toFixed(1)}`;
export const formatSigned = (n: number | null) =>
  n === null ? "–" : `${n > 0 ? "+" : n < 0 ? "−" : "±"}${Math.abs(n).toFixed(1)}`;

export function formatPeriod(period: Period) {
  const day = (iso: string) =>
    new Date(`${iso}T00:00:00Z`).toLocaleDateString("en", { dateStyle: "medium", timeZone: "UTC" });
  return period.from ? `${day(period.from)} – ${day(period.to)}` : `All answers until ${day(period.to)}`;
}

/** A difference with its interval; called significant only when the interval excludes zero. */
export function DifferenceBadge({
  difference,
}: {
  difference: { difference: number | null; ciLow: number | null; ciHigh: number | null; significant: boolean } | null;
}) {
  if (!difference || difference.difference === null)
    return (
      <Text as="span" tone="subdued">
        –
      </Text>
    );
  const text = `${formatSigned(difference.difference)} (${formatInterval(difference.ciLow, difference.ciHigh)})`;
  if (!difference.significant) {
    return (
      <Tooltip content="The 95% interval of the difference includes zero: it may be chance.">
        <Text as="span" tone="subdued">
          {text}
        </Text>
      </Tooltip>
    );
  }
  return (
    <Badge tone={difference.difference > 0 ? "success" : "critical"}>
      {`${text} · ${difference.difference > 0 ? "higher" : "lower"}`}
    </Badge>
  );
}

/** A small table under its own heading, as several sit side by side in one card. */
export function TitledTable({
  title,
  columnContentTypes,
  headings,
  rows,
}: {
  title: string;
  columnContentTypes: Array<"text" | "numeric">;
  headings: string[];
  rows: Array<Array<string | number>>;
}) {
  return (
    <BlockStack gap="200">
      <Text as="h3" variant="headingSm">
        {title}
      </Text>
      <DataTable columnContentTypes={columnContentTypes} headings={headings} rows={rows} />
    </BlockStack>
  );
}

/**
 * A small read-only table drawn like Polaris's DataTable, without its work on mount: DataTable
 * measures its cells' heights and widths as it hydrates, each a layout of the whole page,
 * which at 4× CPU slowdown held the Detractors page's first click back by 100 ms and more.
 * For a few rows and no sorting, fixed columns or sticky header.
 */
export function PlainTable({
  columnContentTypes,
  headings,
  rows,
}: {
  columnContentTypes: Array<"text" | "numeric">;
  headings: string[];
  rows: Array<Array<string | number>>;
}) {
  const cell = (i: number, head: boolean): CSSProperties => ({
    padding: "var(--p-space-200) var(--p-space-300)",
    textAlign: columnContentTypes[i] === "numeric" ? "right" : "left",
    borderBottom: `var(--p-border-width-025) solid var(${head ? "--p-color-border" : "--p-color-border-secondary"})`,
    fontWeight: head ? "var(--p-font-weight-medium)" : undefined,
    whiteSpace: "nowrap",
    fontVariantNumeric: columnContentTypes[i] === "numeric" ? "tabular-nums" : undefined,
  });
  return (
    <div style={{ overflowX: "auto" }}>
      <table style={{ width: "100%", borderCollapse: "collapse", fontSize: "var(--p-font-size-325)" }}>
        <thead>
          <tr>
            {headings.map((h, i) => (
              <th key={i} scope="col" style={cell(i, true)}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((value, i) => (
                <td key={i} style={cell(i, false)}>
                  {value}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function NotEnough({ n, min }: { n: number; min: number }) {
  return (
    <Tooltip content={`${n} of the ${min} answers needed to rank this group (Settings → Reports).`}>
      <Badge tone="attention">Not enough answers</Badge>
    </Tooltip>
  );
}

interface FilterOptions {
  vendors: string[];
  countries: string[];
  themes: Array<{ key: string; label: string }>;
}

/** Filters of every dashboard page, kept in the URL so that a view can be shared. */
type FilterBarProps = Parameters<typeof FilterBarContent>[0];

/** The filters, hydrated on their own: the first select a merchant touches answers at once. */
export function FilterBar(props: FilterBarProps) {
  return (
    <Island>
      <FilterBarContent {...props} />
    </Island>
  );
}

function FilterBarContent({
  filters,
  options,
  period,
  hide = [],
  defaultRange = "12m",
}: {
  filters: AnalyticsFilters;
  options: FilterOptions;
  period: Period;
  hide?: Array<(typeof FILTER_KEYS)[number]>;
  /** The preset a page shows without one in its URL. */
  defaultRange?: "12m" | "all";
}) {
  const navigate = useNavigate();
  const location = useLocation();
  const [from, setFrom] = useState(filters.from ?? period.from ?? "");
  const [to, setTo] = useState(filters.to ?? period.to);
  const go = (change: Partial<Record<(typeof FILTER_KEYS)[number], string | undefined>>) => {
    const current = new URLSearchParams(location.search);
    const next: Record<string, string | undefined> = {};
    for (const key of FILTER_KEYS) next[key] = current.get(key) ?? undefined;
    Object.assign(next, change);
    // Other parameters (page, sort) start over when a filter changes.
    navigate(`${location.pathname}${filtersToSearch(next as AnalyticsFilters)}`);
  };
  const range = filters.from || filters.to ? "custom" : (filters.range ?? defaultRange);
  const select = (key: (typeof FILTER_KEYS)[number], label: string, all: string, entries: Array<[string, string]>) =>
    hide.includes(key) ? null : (
      <Select
        label={label}
        options={[{ label: all, value: "" }, ...entries.map(([value, l]) => ({ value, label: l }))]}
        value={(filters[key as keyof AnalyticsFilters] as string | undefined) ?? ""}
        onChange={(value) => go({ [key]: value || undefined })}
      />
    );
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack gap="300" wrap blockAlign="end">
          <Select
            label="Date range"
            options={[
              ...Object.entries(DATE_PRESETS).map(([value, label]) => ({ value, label })),
              { value: "custom", label: "Custom dates" },
            ]}
            value={range}
            onChange={(value) =>
              value === "custom"
                ? go({ range: "custom", from: from || undefined, to: to || undefined })
                : go({ range: value, from: undefined, to: undefined })
            }
          />
          {range === "custom" && (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                go({ range: undefined, from: from || undefined, to: to || undefined });
              }}
            >
              <InlineStack gap="200" blockAlign="end">
                <TextField label="From" type="date" value={from} onChange={setFrom} autoComplete="off" />
                <TextField label="To" type="date" value={to} onChange={setTo} autoComplete="off" />
                <Button submit>Apply</Button>
              </InlineStack>
            </form>
          )}
          {select("stage", "Stage", "Both stages", Object.entries(STAGES))}
          {select("channel", "Channel", "All channels", Object.entries(CHANNELS))}
          {select(
            "vendor",
            "Brand",
            "All brands",
            options.vendors.map((v) => [v, v]),
          )}
          {select(
            "segment",
            "Segment",
            "All segments",
            SEGMENT_KEYS.map((s) => [s, segmentLabel(s)]),
          )}
          {select(
            "country",
            "Country",
            "All countries",
            options.countries.map((c) => [c, c]),
          )}
          {select(
            "theme",
            "Theme",
            "All themes",
            options.themes.map((t) => [t.key, t.label]),
          )}
        </InlineStack>
        <Text as="p" tone="subdued">
          {formatPeriod(period)}
        </Text>
      </BlockStack>
    </Card>
  );
}

/** What a page shows when there is nothing to count yet, or nothing matches its filters. */
export function NoAnswers({
  anyAnswers,
  importing,
  what,
}: {
  anyAnswers: boolean;
  importing: boolean;
  /** What this page will show once answers arrive. */
  what?: string;
}) {
  const location = useLocation();
  if (anyAnswers) {
    return (
      <Card>
        <EmptyState
          heading="No answers match these filters"
          action={{ content: "Clear filters", url: location.pathname }}
          image={EMPTY_IMAGE}
        >
          <p>Widen the date range or remove a filter.</p>
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card>
      <EmptyState
        heading="No answers yet"
        action={{ content: "Check survey settings", url: "/app/settings" }}
        secondaryAction={importing ? { content: "See the import", url: "/app/history" } : undefined}
        image={EMPTY_IMAGE}
      >
        <p>
          {what ? `${what} ` : ""}Surveys go out with the next orders: before delivery when an order is placed, after
          delivery when it is fulfilled. Scores appear here as soon as shoppers answer.
          {importing ? " Your order history is being imported, so segments will be ready by then." : ""}
        </p>
      </EmptyState>
    </Card>
  );
}

export function ImportBanner({ importing }: { importing: boolean }) {
  if (!importing) return null;
  return (
    <Banner tone="info" title="Importing your order history" action={{ content: "See progress", url: "/app/history" }}>
      <p>
        Segments and customer values are computed when the import finishes; until then some answers have no segment.
      </p>
    </Banner>
  );
}

/** A dashboard page's error: what happened and what to do about it. */
export function DashboardError({ title }: { title: string }) {
  const error = useRouteError();
  const location = useLocation();
  const badFilter = isRouteErrorResponse(error) && error.status === 400;
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // Shopify's authentication answers with responses (re-authorise, leave the iframe) that its
  // own boundary renders.
  if (isRouteErrorResponse(error) && !badFilter && !notFound) return boundary.error(error);
  if (notFound) {
    return (
      <Page title={title} backAction={{ content: "Back", url: ".." }}>
        <Banner tone="warning" title="Not found">
          <p>{String(error.data)}</p>
        </Banner>
      </Page>
    );
  }
  return (
    <Page title={title}>
      <Box paddingBlockEnd="400">
        <Banner
          tone="critical"
          title={badFilter ? "This view's filters are not valid" : "This page could not be loaded"}
          action={
            badFilter
              ? { content: "Clear filters", url: location.pathname }
              : { content: "Reload", url: `${location.pathname}${location.search}` }
          }
        >
          <p>
            {badFilter
              ? String(error.data)
              : "Reload the page. If it keeps failing, the app cannot reach its database: the operator can check /healthz and the app's log."}
          </p>
        </Banner>
      </Box>
    </Page>
  );
}

export function useDashboardSearch() {
  const location = useLocation();
  const current = new URLSearchParams(location.search);
  const kept = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const v = current.get(key);
    if (v) kept.set(key, v);
  }
  const text = kept.toString();
  return text ? `?${text}` : "";
}
