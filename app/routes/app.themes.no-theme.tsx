import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import { BlockStack, Button, DataTable, Page, Text } from "@shopify/polaris";
import { Card } from "../components/Island";
import { requireAdmin } from "../admin.server";
import { CATEGORY_TONE } from "../components/Comments";
import { DashboardError, FilterBar, formatCount, formatShare } from "../components/Dashboard";
import { filtersFromUrl } from "../dashboard.server";
import { loadFilterOptions } from "../models/analytics.server";
import { loadUncovered } from "../models/theme-discovery.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  // Comments without a theme cannot be narrowed to one.
  const filters = { ...filtersFromUrl(request), theme: undefined };
  const [found, options] = await Promise.all([loadUncovered(shop, filters), loadFilterOptions(shop)]);
  return { filters, found, options };
};

const LANGUAGES: Record<string, string> = {
  en: "English",
  fr: "French",
  de: "German",
  es: "Spanish",
  nl: "Dutch",
};

const score = (category: number) =>
  category >= 9 ? CATEGORY_TONE.PROMOTER : category >= 7 ? CATEGORY_TONE.PASSIVE : CATEGORY_TONE.DETRACTOR;

export default function Uncovered() {
  const { filters, found, options } = useLoaderData<typeof loader>();
  const location = useLocation();
  const back = `/app/themes${location.search}`;
  const languages = [...new Set(found.phrases.map((p) => p.language))];
  return (
    <Page title="What no theme covers" backAction={{ content: "Themes", url: back }} fullWidth>
      <TitleBar title="What no theme covers" />
      <BlockStack gap="400">
        <FilterBar filters={filters} options={options} period={found.period} hide={["theme"]} />
        <Card>
          <BlockStack gap="100">
            <Text as="p">
              <b>{formatCount(found.uncovered)}</b> of {formatCount(found.commented)} comments in this view (
              {formatShare(found.commented ? found.uncovered / found.commented : null)}) mention none of your themes.
            </Text>
            <Text as="p" tone="subdued">
              Below, per language, the words and phrases these comments use more often than your other comments (the
              latest {formatCount(found.sampled)} of them, against as many with a theme), with examples. A phrase worth
              following becomes a theme of its own in one click; you can preview it before saving.
            </Text>
          </BlockStack>
        </Card>
        {languages.length === 0 && (
          <Card>
            <Text as="p" tone="subdued">
              No phrase comes up in at least three of these comments: nothing new to follow here.
            </Text>
          </Card>
        )}
        {languages.map((language) => (
          <Card key={language} padding="0">
            <div style={{ padding: "var(--p-space-400)" }}>
              <Text as="h2" variant="headingMd">
                {LANGUAGES[language] ?? language}
              </Text>
            </div>
            <DataTable
              columnContentTypes={["text", "numeric", "numeric", "text", "text"]}
              headings={["Phrase", "Comments", "In comments with a theme", "For example", ""]}
              rows={found.phrases
                .filter((p) => p.language === language)
                .map((p) => [
                  <Text key="p" as="span" fontWeight="semibold">
                    {p.phrase}
                  </Text>,
                  `${formatCount(p.comments)} (${formatShare(p.share)})`,
                  formatShare(p.elsewhereShare),
                  <div key="e" style={{ maxWidth: 420, whiteSpace: "normal" }}>
                    <BlockStack gap="100">
                      {p.exampleComments.slice(0, 2).map((e) => (
                        <Text key={e.id} as="p" variant="bodySm">
                          <span style={{ color: `var(--p-color-text-${score(e.score) ?? "secondary"})` }}>
                            {e.score}
                          </span>{" "}
                          · {e.orderName}: “{e.comment}”
                        </Text>
                      ))}
                    </BlockStack>
                  </div>,
                  <Button
                    key="b"
                    url={`/app/settings/themes?${new URLSearchParams({ add: p.phrase, language })}`}
                    accessibilityLabel={`Make “${p.phrase}” a theme`}
                  >
                    Make this a theme
                  </Button>,
                ])}
            />
          </Card>
        ))}
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="What no theme covers" />;
}
