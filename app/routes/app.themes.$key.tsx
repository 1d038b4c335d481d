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
import { Fragment } from "react";
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
import { filtersFromUrl } from "../dashboard.server";
import { pageParam } from "../lib/http";
import { loadFilterOptions } from "../models/analytics.server";
import { loadTheme } from "../models/theme-analytics.server";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const page = pageParam(new URL(request.url));
  const [theme, options] = await Promise.all([
    loadTheme(shop, params.key ?? "", filters, page),
    loadFilterOptions(shop),
  ]);
  if (!theme) throw new Response(`This shop has no theme called “${params.key}”.`, { status: 404 });
  return { filters, theme, options };
};

const CATEGORY_TONE = { PROMOTER: "success", PASSIVE: undefined, DETRACTOR: "critical" } as const;

/** The comment with the words that matched the theme in bold; React escapes the text. */
function Highlighted({ text, words }: { text: string; words: string[] }) {
  const terms = [...new Set(words.flatMap((w) => w.split(/\s+/)).filter((w) => w !== "…" && w !== ""))];
  if (terms.length === 0) return <>{text}</>;
  const escaped = terms.sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join("|")})(?![\\p{L}\\p{N}])`, "giu");
  const parts = text.split(pattern);
  return (
    <>{parts.map((part, i) => (i % 2 === 1 ? <strong key={i}>{part}</strong> : <Fragment key={i}>{part}</Fragment>))}</>
  );
}

export default function Theme() {
  const { filters, theme, options } = useLoaderData<typeof loader>();
  const location = useLocation();
  const f = theme.figures;
  const label = theme.theme.label.en || theme.theme.key;
  const pageLink = (page: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(page));
    return `?${params}`;
  };
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
        <Card padding="0">
          <div style={{ padding: "var(--p-space-400)" }}>
            <Text as="h2" variant="headingMd">
              Comments
            </Text>
          </div>
          {theme.comments.length === 0 ? (
            <Box padding="400" paddingBlockStart="0">
              <Text as="p" tone="subdued">
                No comment in this view mentions {label.toLowerCase()}.
              </Text>
            </Box>
          ) : (
            <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
              {theme.comments.map((c) => (
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
                          {c.language ? ` · ${c.language.toUpperCase()}` : ""}
                        </Text>
                      </InlineStack>
                      <Text as="p">
                        <Highlighted text={c.comment} words={c.words} />
                      </Text>
                      <Text as="p" tone="subdued" variant="bodySm">
                        Matched: {c.words.join(", ")}
                      </Text>
                    </BlockStack>
                  </Box>
                </li>
              ))}
            </ul>
          )}
          {(theme.page > 1 || theme.hasNext) && (
            <Box padding="400">
              <Pagination
                hasPrevious={theme.page > 1}
                previousURL={pageLink(theme.page - 1)}
                hasNext={theme.hasNext}
                nextURL={pageLink(theme.page + 1)}
                label={`Page ${theme.page}`}
              />
            </Box>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Theme" />;
}
