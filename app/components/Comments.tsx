import { Link, useLocation } from "@remix-run/react";
import { Badge, BlockStack, Box, InlineStack, Pagination, Text } from "@shopify/polaris";
import { Fragment } from "react";

export const CATEGORY_TONE = { PROMOTER: "success", PASSIVE: undefined, DETRACTOR: "critical" } as const;

/** A theme's key and the name the merchant gave it (the filter menus' options). */
export interface ThemeOption {
  key: string;
  label: string;
}

/** The current page's URL with another theme filter and from the first page. */
function withTheme(pathname: string, search: string, key: string) {
  const params = new URLSearchParams(search);
  params.set("theme", key);
  params.delete("page");
  return `${pathname}?${params}`;
}

/** The themes of a comment as chips; each narrows the current page to that theme. */
export function ThemeChips({ keys, themes }: { keys: string[]; themes: ThemeOption[] }) {
  const location = useLocation();
  const shown = keys.flatMap((key) => {
    const theme = themes.find((t) => t.key === key);
    return theme ? [theme] : [];
  });
  if (shown.length === 0) return null;
  return (
    <InlineStack gap="100" wrap>
      {shown.map((t) => (
        <Link
          key={t.key}
          to={withTheme(location.pathname, location.search, t.key)}
          title={`Only comments about ${t.label.toLowerCase()}`}
          onClick={(event) => event.stopPropagation()}
          style={{ textDecoration: "none" }}
        >
          <Badge tone="info">{t.label}</Badge>
        </Link>
      ))}
    </InlineStack>
  );
}

/** The comment with the words that matched a theme in bold; React escapes the text. */
export function Highlighted({ text, words }: { text: string; words: string[] }) {
  const terms = [...new Set(words.flatMap((w) => w.split(/\s+/)).filter((w) => w !== "…" && w !== ""))];
  if (terms.length === 0) return <>{text}</>;
  const escaped = terms.sort((a, b) => b.length - a.length).map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${escaped.join("|")})(?![\\p{L}\\p{N}])`, "giu");
  const parts = text.split(pattern);
  return (
    <>{parts.map((part, i) => (i % 2 === 1 ? <strong key={i}>{part}</strong> : <Fragment key={i}>{part}</Fragment>))}</>
  );
}

export interface CommentItem {
  id: number;
  orderName: string;
  stage: string;
  score: number;
  category: string;
  comment: string;
  answeredAt: string;
  language?: string | null;
  /** Theme keys of the comment. */
  themes: string[];
  /** Words to show in bold, and to list as "Matched" (a theme's page). */
  words?: string[];
}

/** A page of comments with their score, order, stage, themes and the pages around it. */
export function CommentList({
  comments,
  themes,
  empty,
  page,
  hasNext,
}: {
  comments: CommentItem[];
  themes: ThemeOption[];
  empty: string;
  page: number;
  hasNext: boolean;
}) {
  const location = useLocation();
  const pageLink = (n: number) => {
    const params = new URLSearchParams(location.search);
    params.set("page", String(n));
    return `?${params}`;
  };
  return (
    <>
      {comments.length === 0 ? (
        <Box padding="400" paddingBlockStart="0">
          <Text as="p" tone="subdued">
            {empty}
          </Text>
        </Box>
      ) : (
        <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
          {comments.map((c) => (
            <li key={c.id} style={{ borderTop: "1px solid var(--p-color-border-secondary)" }}>
              <Box padding="400">
                <BlockStack gap="100">
                  <InlineStack gap="200" blockAlign="center">
                    <Badge tone={CATEGORY_TONE[c.category as keyof typeof CATEGORY_TONE]}>{`Score ${c.score}`}</Badge>
                    <Text as="span" tone="subdued">
                      {c.orderName} · {c.stage === "pre" ? "before delivery" : "after delivery"} ·{" "}
                      {new Date(c.answeredAt).toLocaleDateString("en", { dateStyle: "medium" })}
                      {c.language ? ` · ${c.language.toUpperCase()}` : ""}
                    </Text>
                  </InlineStack>
                  <Text as="p">{c.words ? <Highlighted text={c.comment} words={c.words} /> : c.comment}</Text>
                  {c.words && c.words.length > 0 && (
                    <Text as="p" tone="subdued" variant="bodySm">
                      Matched: {c.words.join(", ")}
                    </Text>
                  )}
                  <ThemeChips keys={c.themes} themes={themes} />
                </BlockStack>
              </Box>
            </li>
          ))}
        </ul>
      )}
      {(page > 1 || hasNext) && (
        <div style={{ padding: "var(--p-space-300)", display: "flex", justifyContent: "center" }}>
          <Pagination
            hasPrevious={page > 1}
            previousURL={pageLink(page - 1)}
            hasNext={hasNext}
            nextURL={pageLink(page + 1)}
            label={`Page ${page}`}
          />
        </div>
      )}
    </>
  );
}
