import { Link, useLocation } from "@remix-run/react";
import { BlockStack, DataTable, Text } from "@shopify/polaris";
import { Card } from "./Island";
import { formatCount, formatNps, formatShare, formatSigned } from "./Dashboard";

/** The figures of a theme these summaries show (a ThemeGroup of app/models/theme-analytics.server.ts). */
export interface ThemeSummaryGroup {
  key: string;
  label: string;
  n: number;
  share: number;
  nps: number | null;
  impact: number | null;
  pre: { n: number };
  post: { n: number };
}

/** Points, red when they cost and green when they add. */
export function Impact({ impact }: { impact: number | null }) {
  if (impact === null) return <>–</>;
  const tone = impact < 0 ? "var(--p-color-text-critical)" : impact > 0 ? "var(--p-color-text-success)" : undefined;
  return <span style={{ color: tone, fontWeight: 600 }}>{formatSigned(impact)}</span>;
}

/** Where a theme is mentioned: before delivery, after, or both. */
export function stageOf(group: ThemeSummaryGroup): string {
  const total = group.pre.n + group.post.n;
  if (total === 0) return "–";
  const post = group.post.n / total;
  if (post >= 0.7) return `After delivery (${Math.round(post * 100)}%)`;
  if (post <= 0.3) return `Before delivery (${Math.round((1 - post) * 100)}%)`;
  return "Both stages";
}

/**
 * The themes that move the view's NPS most, either way: the Overview's "Why customers score as
 * they do" and a brand's themes. Each links to the theme's page in the same view.
 */
export function TopThemes({
  title,
  groups,
  answers,
  pending,
  limit = 5,
  scope,
}: {
  title: string;
  groups: ThemeSummaryGroup[];
  answers: number;
  pending: number;
  limit?: number;
  /** Filters the links carry besides the page's own (a brand page's vendor). */
  scope?: Record<string, string>;
}) {
  const location = useLocation();
  const params = new URLSearchParams(location.search);
  params.delete("page");
  params.delete("trend");
  for (const [k, v] of Object.entries(scope ?? {})) params.set(k, v);
  const search = params.toString() ? `?${params}` : "";
  const top = groups
    .filter((g) => g.n > 0 && g.impact !== null)
    .sort((a, b) => Math.abs(b.impact!) - Math.abs(a.impact!) || b.n - a.n)
    .slice(0, limit);
  return (
    <Card padding="0">
      <div style={{ padding: "var(--p-space-400)" }}>
        <BlockStack gap="100">
          <Text as="h2" variant="headingMd">
            {title}
          </Text>
          <Text as="p" tone="subdued">
            The themes of shoppers’ comments that move NPS most: impact is the NPS minus the NPS without the answers
            mentioning the theme ({formatCount(answers)} answers in this view).
            {pending > 0 ? ` ${formatCount(pending)} comments are still being read.` : ""}
          </Text>
        </BlockStack>
      </div>
      {top.length === 0 ? (
        <div style={{ padding: "0 var(--p-space-400) var(--p-space-400)" }}>
          <Text as="p" tone="subdued">
            No comment in this view mentions a theme yet.
          </Text>
        </div>
      ) : (
        <DataTable
          columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
          headings={["Theme", "Impact (points)", "Share of answers", "NPS", "Mentioned"]}
          rows={top.map((g) => [
            <Link key="t" to={`/app/themes/${encodeURIComponent(g.key)}${search}`}>
              {g.label}
            </Link>,
            <Impact key="i" impact={g.impact} />,
            formatShare(g.share),
            formatNps(g.nps),
            stageOf(g),
          ])}
        />
      )}
    </Card>
  );
}
