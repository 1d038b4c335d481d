import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Link as RemixLink, useFetcher, useLoaderData, useLocation, useNavigate } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Checkbox,
  IndexTable,
  InlineGrid,
  InlineStack,
  Page,
  Select,
  Tabs,
  Text,
  useIndexResourceState,
} from "@shopify/polaris";
import { Card, Island } from "../components/Island";
import { z } from "zod";
import { requireAdmin } from "../admin.server";
import { pageParam } from "../lib/http";
import { ThemeChips } from "../components/Comments";
import {
  DashboardError,
  FilterBar,
  formatCount,
  formatShare,
  ImportBanner,
  NoAnswers,
  PlainTable,
} from "../components/Dashboard";
import { filtersFromUrl } from "../dashboard.server";
import { segmentLabel, filtersToSearch } from "../domain/analytics-filters";
import { BAND_LABELS, urgencyBand } from "../domain/follow-up";
import type { CaseStatus } from "../generated/prisma/enums";
import { loadFilterOptions, loadShopState } from "../models/analytics.server";
import { CaseStatusSchema, listAssignees, listQueue, loadWinBack, updateCases } from "../models/cases.server";

export const STATUS_LABELS: Record<CaseStatus, string> = {
  NEW: "New",
  CONTACTED: "Contacted",
  RESOLVED: "Resolved",
  WON_BACK: "Won back",
  CLOSED: "Closed without action",
};
const STATUS_TONE: Record<CaseStatus, "info" | "attention" | "success" | undefined> = {
  NEW: "attention",
  CONTACTED: "info",
  RESOLVED: "success",
  WON_BACK: "success",
  CLOSED: undefined,
};

const QueueSchema = z.object({
  tab: z.enum(["detractors", "passives"]).catch("detractors"),
  status: z.union([z.enum(["open", "all"]), CaseStatusSchema]).catch("open"),
  overdue: z
    .string()
    .optional()
    .transform((v) => v === "1"),
  assignee: z.string().max(100).optional().catch(undefined),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const filters = filtersFromUrl(request);
  const url = new URL(request.url);
  const queue = { ...QueueSchema.parse(Object.fromEntries(url.searchParams)), page: pageParam(url) };
  const [list, winBack, assignees, options, state] = await Promise.all([
    listQueue(shop, filters, {
      category: queue.tab === "passives" ? "PASSIVE" : "DETRACTOR",
      status: queue.status,
      overdue: queue.overdue,
      assignee: queue.assignee || undefined,
      page: queue.page,
    }),
    loadWinBack(shop),
    listAssignees(shop),
    loadFilterOptions(shop),
    loadShopState(shop),
  ]);
  return { shop, filters, queue, list, winBack, assignees, options, state };
};

const BulkSchema = z.object({
  ids: z.array(z.coerce.number().int().positive()).min(1, "Select at least one case"),
  status: CaseStatusSchema,
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, actor } = await requireAdmin(request);
  const form = await request.formData();
  const parsed = BulkSchema.safeParse({ ids: form.getAll("ids"), status: form.get("status") });
  if (!parsed.success) {
    return Response.json({ ok: false, error: parsed.error.issues.map((i) => i.message).join("; ") }, { status: 400 });
  }
  const changed = await updateCases(shop, parsed.data.ids, actor, { status: parsed.data.status });
  return Response.json({ ok: true, changed, status: parsed.data.status });
};

const money = (amount: string | null) =>
  amount === null ? "–" : Number(amount).toLocaleString("en", { maximumFractionDigits: 0 });

function age(days: number) {
  if (days < 1) return "today";
  if (days === 1) return "1 day";
  return `${days} days`;
}

export function orderAdminUrl(shop: string, orderId: string) {
  return `https://admin.shopify.com/store/${shop.replace(/\.myshopify\.com$/, "")}/orders/${orderId}`;
}

export default function Detractors() {
  const { shop, filters, queue, list, winBack, assignees, options, state } = useLoaderData<typeof loader>();
  const navigate = useNavigate();
  const location = useLocation();
  const bulk = useFetcher<{ ok: boolean; changed?: number; status?: CaseStatus; error?: string }>();
  const rowIds = list.rows.filter((r) => r.caseId !== null).map((r) => String(r.caseId));
  const { selectedResources, allResourcesSelected, handleSelectionChange, clearSelection } = useIndexResourceState(
    list.rows.map((r) => ({ id: String(r.caseId ?? `r${r.responseId}`) })),
  );
  const selectedCases = selectedResources.filter((id) => rowIds.includes(id));
  const go = (change: Record<string, string | undefined>) => {
    const params = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(change)) {
      if (v === undefined || v === "") params.delete(k);
      else params.set(k, v);
    }
    if (!("page" in change)) params.delete("page");
    navigate(`?${params}`);
  };
  const setStatus = (status: CaseStatus) => {
    const data = new FormData();
    for (const id of selectedCases) data.append("ids", id);
    data.set("status", status);
    bulk.submit(data, { method: "post" });
    clearSelection();
  };
  const tabs = [
    { id: "detractors", content: "Detractors (0–6)" },
    { id: "passives", content: "Passives (7–8)" },
  ];
  const exportSearch = filtersToSearch(filters, {
    category: queue.tab === "passives" ? "passive" : "detractor",
    status: queue.status,
  });
  return (
    <Page
      title="Detractors"
      fullWidth
      secondaryActions={[
        // A document request, not a client-side navigation: the file downloads as it streams.
        {
          content: "Export answers (CSV)",
          onAction: () => window.location.assign(`/app/export/answers${exportSearch}`),
        },
        { content: "Export cases (CSV)", onAction: () => window.location.assign(`/app/export/cases${exportSearch}`) },
      ]}
    >
      <TitleBar title="Detractors" />
      <BlockStack gap="400">
        <ImportBanner importing={state.importing} />
        {bulk.data && (
          <Banner tone={bulk.data.ok ? "success" : "critical"}>
            <p>
              {bulk.data.ok
                ? `${bulk.data.changed} case${bulk.data.changed === 1 ? "" : "s"} marked ${STATUS_LABELS[bulk.data.status!]}.`
                : bulk.data.error}
            </p>
          </Banner>
        )}
        <WinBackCard winBack={winBack} />
        <FilterBar filters={filters} options={options} period={list.period} defaultRange="all" />
        <Card padding="0">
          <Tabs
            tabs={tabs}
            selected={queue.tab === "passives" ? 1 : 0}
            onSelect={(i) => go({ tab: i === 1 ? "passives" : undefined })}
          />
          <Box padding="400">
            <InlineStack gap="400" blockAlign="end" wrap>
              <Select
                label="Case"
                options={[
                  { label: "Open (new or contacted)", value: "open" },
                  { label: "All", value: "all" },
                  ...Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
                ]}
                value={queue.status}
                onChange={(v) => go({ status: v === "open" ? undefined : v })}
              />
              <Select
                label="Assignee"
                options={[{ label: "Anyone", value: "" }, ...assignees.map((a) => ({ label: a, value: a }))]}
                value={queue.assignee ?? ""}
                onChange={(v) => go({ assignee: v || undefined })}
              />
              <Checkbox
                label={`Overdue only (${formatCount(list.overdue)})`}
                checked={queue.overdue}
                onChange={(v) => go({ overdue: v ? "1" : undefined })}
              />
            </InlineStack>
            <Box paddingBlockStart="200">
              <Text as="p" tone="subdued">
                Most urgent first: the angriest scores (0–2 critical, 3–4 high, 5–6 medium), then the most valuable
                customers (segment and spend), fresher answers before older ones. {formatCount(list.total)} answers
                match.
              </Text>
            </Box>
          </Box>
          {list.total === 0 && !state.answers ? (
            <Box padding="400">
              <NoAnswers
                anyAnswers={state.answers}
                importing={state.importing}
                what="Detractors and passives appear here as they answer, the angriest and most valuable first, each with a case to follow up."
              />
            </Box>
          ) : (
            <IndexTable
              resourceName={{ singular: "answer", plural: "answers" }}
              itemCount={list.rows.length}
              selectedItemsCount={allResourcesSelected ? "All" : selectedResources.length}
              onSelectionChange={handleSelectionChange}
              promotedBulkActions={[
                { content: "Mark contacted", onAction: () => setStatus("CONTACTED") },
                { content: "Mark resolved", onAction: () => setStatus("RESOLVED") },
              ]}
              bulkActions={[
                { content: "Mark won back", onAction: () => setStatus("WON_BACK") },
                { content: "Close without action", onAction: () => setStatus("CLOSED") },
                { content: "Reopen as new", onAction: () => setStatus("NEW") },
              ]}
              headings={[
                { title: "Score" },
                { title: "Customer" },
                { title: "Comment" },
                { title: "Stage" },
                { title: "Brands" },
                { title: "Age" },
                { title: "Case" },
                { title: "Order" },
              ]}
              emptyState={
                <Box padding="400">
                  <Text as="p">Nothing matches. Change the case filter or the dates.</Text>
                </Box>
              }
              pagination={{
                hasPrevious: list.page > 1,
                hasNext: list.page < list.pages,
                onPrevious: () => go({ page: String(list.page - 1) }),
                onNext: () => go({ page: String(list.page + 1) }),
                label: `Page ${list.page} of ${list.pages}`,
              }}
            >
              {list.rows.map((r, index) => {
                const id = String(r.caseId ?? `r${r.responseId}`);
                const band = urgencyBand(r.score);
                // Each row hydrates on its own: the table's 25 rows at once were one task of
                // 150 ms and more at 4× CPU slowdown, long enough to delay a first click.
                return (
                  <Island key={id}>
                    <IndexTable.Row
                      id={id}
                      position={index}
                      selected={selectedResources.includes(id)}
                      disabled={r.caseId === null}
                      tone={r.overdue ? "critical" : undefined}
                    >
                      <IndexTable.Cell>
                        <Badge
                          tone={
                            band === "critical"
                              ? "critical"
                              : band === "high"
                                ? "warning"
                                : band === "medium"
                                  ? "attention"
                                  : "info"
                          }
                        >{`${r.score} · ${BAND_LABELS[band].split(" ")[0]}`}</Badge>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <BlockStack gap="050">
                          <Text as="span" fontWeight="semibold">
                            {r.customerName ?? r.customerEmail ?? "Guest"}
                          </Text>
                          <Text as="span" tone="subdued" variant="bodySm">
                            {r.segment ? segmentLabel(r.segment.toLowerCase()) : "No segment"} · {money(r.totalSpent)}{" "}
                            spent · {r.ordersCount ?? 0} orders
                          </Text>
                        </BlockStack>
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <div style={{ maxWidth: 360, whiteSpace: "normal" }}>
                          <Text as="span" tone={r.comment ? undefined : "subdued"}>
                            {r.comment
                              ? r.comment.length > 160
                                ? `${r.comment.slice(0, 160)}…`
                                : r.comment
                              : "No comment"}
                          </Text>
                          <ThemeChips keys={r.themes} themes={options.themes} />
                        </div>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{r.stage === "pre" ? "Before delivery" : "After delivery"}</IndexTable.Cell>
                      <IndexTable.Cell>
                        <div style={{ maxWidth: 180, whiteSpace: "normal" }}>{r.vendors.join(", ")}</div>
                      </IndexTable.Cell>
                      <IndexTable.Cell>{age(r.ageDays)}</IndexTable.Cell>
                      <IndexTable.Cell>
                        {r.caseId !== null ? (
                          <BlockStack gap="050">
                            <InlineStack gap="100">
                              <Badge tone={STATUS_TONE[r.status!]}>{STATUS_LABELS[r.status!]}</Badge>
                              {r.overdue && <Badge tone="critical">Overdue</Badge>}
                            </InlineStack>
                            <RemixLink to={`/app/cases/${r.caseId}`}>
                              {r.assignee ? `Case · ${r.assignee}` : "Open case"}
                            </RemixLink>
                          </BlockStack>
                        ) : (
                          <Text as="span" tone="subdued">
                            No case
                          </Text>
                        )}
                      </IndexTable.Cell>
                      <IndexTable.Cell>
                        <a href={orderAdminUrl(shop, r.orderShopifyId)} target="_top" rel="noreferrer">
                          {r.orderName}
                        </a>
                      </IndexTable.Cell>
                    </IndexTable.Row>
                  </Island>
                );
              })}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

type WinBack = Awaited<ReturnType<typeof loadWinBack>>;

export function WinBackCard({ winBack }: { winBack: WinBack }) {
  const o = winBack.overall;
  const rows = (items: WinBack["byAssignee"], label: (k: string) => string) =>
    items.slice(0, 6).map((r) => [label(r.key), formatCount(r.n), formatShare(r.rate), interval(r)]);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Did follow-up work?
        </Text>
        <Text as="p">
          Win-back rate: <b>{formatShare(o.rate)}</b> of {formatCount(o.n)} resolved cases (95% interval {interval(o)}
          ). A case counts as won back when, within 90 days of its resolution, the customer ordered again, answered
          again with a higher score or moved up a segment.
        </Text>
        {o.n > 0 && (
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <PlainTable
              columnContentTypes={["text", "numeric", "numeric", "text"]}
              headings={["Assignee", "Cases", "Won back", "95% interval"]}
              rows={rows(winBack.byAssignee, (k) => k)}
            />
            <PlainTable
              columnContentTypes={["text", "numeric", "numeric", "text"]}
              headings={["Segment now", "Cases", "Won back", "95% interval"]}
              rows={rows(winBack.bySegment, segmentLabel)}
            />
          </InlineGrid>
        )}
        <InlineStack>
          <Button url="/app/alerts" variant="plain">
            Alerts and automations
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

function interval(p: { ciLow: number | null; ciHigh: number | null }) {
  return p.ciLow === null || p.ciHigh === null ? "–" : `${formatShare(p.ciLow)} to ${formatShare(p.ciHigh)}`;
}

export function ErrorBoundary() {
  return <DashboardError title="Detractors" />;
}
