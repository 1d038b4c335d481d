import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { requireAdmin } from "../admin.server";
import { ActionBanners, type ActionResult } from "../components/ActionBanners";
import { DashboardError, formatCount } from "../components/Dashboard";
import { segmentLabel } from "../domain/analytics-filters";
import { BAND_LABELS, urgencyBand } from "../domain/follow-up";
import type { CaseStatus } from "../generated/prisma/enums";
import {
  addNote,
  CaseNotFoundError,
  caseOutcome,
  CaseUpdateSchema,
  getCase,
  NoteSchema,
  updateCases,
} from "../models/cases.server";
import { orderAdminUrl, STATUS_LABELS } from "./app.detractors";
import { rowId } from "../domain/row-id";
import { LOCALE_NAMES } from "../domain/shopper-locales";
import { ApologyRefusedError, type ApologyView, loadApology, sendApology } from "../models/apologies.server";

function caseId(params: Record<string, string | undefined>) {
  const id = rowId(params.id);
  if (id === null) throw new Response(`“${params.id}” is not a case number.`, { status: 404 });
  return id;
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireAdmin(request);
  const id = caseId(params);
  try {
    const [found, outcome, apology] = await Promise.all([
      getCase(shop, id),
      caseOutcome(shop, id),
      loadApology(shop, id),
    ]);
    const c = found;
    return {
      shop,
      demo,
      outcome,
      apology,
      case: {
        id: c.id,
        status: c.status,
        assignee: c.assignee,
        dueAt: c.dueAt?.toISOString() ?? null,
        resolvedAt: c.resolvedAt?.toISOString() ?? null,
        overdue: ["NEW", "CONTACTED"].includes(c.status) && c.dueAt !== null && c.dueAt < new Date(),
        notes: c.notes.map((n) => ({ id: n.id, author: n.author, body: n.body, at: n.createdAt.toISOString() })),
        events: c.events.map((e) => ({
          id: e.id,
          actor: e.actor,
          field: e.field,
          from: e.fromValue,
          to: e.toValue,
          at: e.createdAt.toISOString(),
        })),
        answer: {
          score: c.response.score,
          comment: c.response.comment,
          stage: c.response.stage,
          channel: c.response.channel,
          vendors: c.response.vendors,
          answeredAt: c.response.answeredAt.toISOString(),
          question: c.response.followUpQuestion,
        },
        order: {
          name: c.response.order.name,
          id: c.response.order.shopifyId.toString(),
          total: `${Number(c.response.order.currentTotal).toLocaleString("en")} ${c.response.order.currency}`,
        },
        customer: c.response.customer && {
          name: [c.response.customer.firstName, c.response.customer.lastName].filter(Boolean).join(" ") || null,
          email: c.response.customer.email,
          segment: c.response.customer.segment,
          totalSpent: Number(c.response.customer.totalSpent).toLocaleString("en"),
          orders: c.response.customer.ordersCount,
          id: c.response.customer.shopifyId.toString(),
        },
      },
    };
  } catch (error) {
    if (error instanceof CaseNotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { shop, actor } = await requireAdmin(request);
  const id = caseId(params);
  const form = Object.fromEntries(await request.formData());
  const fail = (errors: Record<string, string>) =>
    Response.json({ ok: false, errors } satisfies ActionResult, { status: 400 });
  try {
    if (form.intent === "note") {
      const parsed = NoteSchema.safeParse(form);
      if (!parsed.success) return fail({ body: parsed.error.issues[0]!.message });
      await addNote(shop, id, actor, parsed.data.body);
      return Response.json({ ok: true, message: "Note added." } satisfies ActionResult);
    }
    if (form.intent === "update") {
      const parsed = CaseUpdateSchema.safeParse({
        status: form.status || undefined,
        assignee: typeof form.assignee === "string" ? form.assignee : undefined,
        dueAt: form.dueAt ? form.dueAt : undefined,
      });
      if (!parsed.success) {
        return fail(Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? "form"), i.message])));
      }
      const changed = await updateCases(shop, [id], actor, parsed.data);
      if (changed === 0) {
        const exists = await getCase(shop, id).then(
          () => true,
          () => false,
        );
        if (!exists) throw new CaseNotFoundError(`No case ${id} in this shop.`);
      }
      return Response.json({
        ok: true,
        message: changed ? "Case updated." : "Nothing changed.",
      } satisfies ActionResult);
    }
    if (form.intent === "apology") {
      try {
        const { code } = await sendApology(shop, id, actor, { withCode: form.withCode === "on" });
        return Response.json({
          ok: true,
          message: code ? `Apology on its way, with the code ${code}.` : "Apology on its way.",
        } satisfies ActionResult);
      } catch (error) {
        if (error instanceof ApologyRefusedError) return fail({ form: error.message });
        throw error;
      }
    }
    return fail({ form: "Unknown action: reload the page." });
  } catch (error) {
    if (error instanceof CaseNotFoundError) throw new Response(error.message, { status: 404 });
    throw error;
  }
};

const when = (iso: string) => new Date(iso).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" });
const FIELD_LABELS: Record<string, string> = {
  status: "Status",
  assignee: "Assignee",
  due: "Due",
  score: "Score",
  apology: "Apology",
};

/** Where the email stands, as the answer actions see it. */
const EMAIL_STATES: Record<string, string> = {
  PENDING: "waiting to go out",
  DONE: "sent",
  FAILED: "failed",
  SKIPPED: "not sent",
};

function ApologyCard({ apology, busy, demo }: { apology: ApologyView; busy: boolean; demo: boolean }) {
  // The demo has no Shopify to make codes in: its apologies go without one unless asked.
  const [withCode, setWithCode] = useState(!demo);
  const sent = apology.sent;
  const preview = apology.preview && (withCode ? apology.preview.withCode : apology.preview.withoutCode);
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Apology
        </Text>
        {apology.state === "unavailable" && (
          <Text as="p" tone="subdued">
            {apology.reason}
          </Text>
        )}
        {sent && (
          <BlockStack gap="100">
            <Text as="p">
              Sent {when(sent.at)}
              {sent.by ? ` by ${sent.by}` : ""}
              {apology.to ? ` to ${apology.to}` : ""}. Email: {EMAIL_STATES[sent.emailStatus ?? ""] ?? "not recorded"}
              {sent.error ? ` (${sent.error})` : ""}.
            </Text>
            {sent.code && (
              <Text as="p">
                Code <code>{sent.code}</code>:{" "}
                {sent.usedOn
                  ? `used on order ${sent.usedOn}`
                  : sent.codeStatus === "ACTIVE"
                    ? "not used yet"
                    : sent.codeStatus === "FAILED"
                      ? "could not be created in Shopify"
                      : "being created in Shopify"}
                .
              </Text>
            )}
          </BlockStack>
        )}
        {apology.state === "ready" && preview && (
          <Form method="post">
            <input type="hidden" name="intent" value="apology" />
            <BlockStack gap="300">
              <Checkbox
                label={`Include a one-time code: ${apology.discount} off, for this customer only`}
                name="withCode"
                checked={withCode}
                onChange={setWithCode}
                helpText={
                  demo ? "The demo has no Shopify store to create codes in: such an apology is not sent." : undefined
                }
              />
              <Text as="p" tone="subdued">
                To {apology.to}, in {LOCALE_NAMES[apology.locale]}.{" "}
                <Link to="/app/settings/advocacy">Edit the wording</Link>
              </Text>
              <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                <BlockStack gap="200">
                  <Text as="p" fontWeight="semibold">
                    {preview.subject}
                  </Text>
                  <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{preview.text}</p>
                </BlockStack>
              </Box>
              <Button submit loading={busy}>
                Send apology
              </Button>
            </BlockStack>
          </Form>
        )}
      </BlockStack>
    </Card>
  );
}
const show = (field: string, value: string | null) =>
  value === null
    ? "–"
    : field === "status"
      ? (STATUS_LABELS[value as CaseStatus] ?? value)
      : field === "due"
        ? when(value)
        : value;

export default function CasePage() {
  const { shop, demo, case: c, outcome, apology } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const [status, setStatus] = useState<string>(c.status);
  const [assignee, setAssignee] = useState(c.assignee ?? "");
  const [note, setNote] = useState("");
  const errors = result && !result.ok ? result.errors : {};
  useEffect(() => {
    setStatus(c.status);
    setAssignee(c.assignee ?? "");
  }, [c.status, c.assignee]);
  useEffect(() => {
    if (result?.ok && result.message === "Note added.") setNote("");
  }, [result]);
  const band = urgencyBand(c.answer.score);
  const customer = c.customer;
  return (
    <Page
      title={`Case ${c.id}: ${customer?.name ?? customer?.email ?? "Guest"}`}
      backAction={{ content: "Detractors", url: "/app/detractors" }}
      titleMetadata={
        <InlineStack gap="100">
          <Badge>{STATUS_LABELS[c.status]}</Badge>
          {c.overdue && <Badge tone="critical">Overdue</Badge>}
        </InlineStack>
      }
    >
      <TitleBar title={`Case ${c.id}`} />
      <BlockStack gap="400">
        <ActionBanners result={result} />
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <InlineStack gap="200" blockAlign="center">
                    <Badge tone={band === "critical" ? "critical" : band === "high" ? "warning" : "attention"}>
                      {`Score ${c.answer.score}`}
                    </Badge>
                    <Text as="span" tone="subdued">
                      {BAND_LABELS[band]} · {c.answer.stage === "PRE_DELIVERY" ? "before delivery" : "after delivery"} ·{" "}
                      {when(c.answer.answeredAt)}
                    </Text>
                  </InlineStack>
                  {c.answer.question && (
                    <Text as="p" tone="subdued">
                      {c.answer.question}
                    </Text>
                  )}
                  <Box background="bg-surface-secondary" padding="300" borderRadius="200">
                    <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{c.answer.comment ?? "No comment."}</p>
                  </Box>
                  <Text as="p">
                    Order{" "}
                    <a href={orderAdminUrl(shop, c.order.id)} target="_top" rel="noreferrer">
                      {c.order.name}
                    </a>{" "}
                    · {c.order.total} · {c.answer.vendors.join(", ")}
                  </Text>
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="300">
                  <Text as="h2" variant="headingMd">
                    Notes
                  </Text>
                  {c.notes.length === 0 && (
                    <Text as="p" tone="subdued">
                      No notes yet.
                    </Text>
                  )}
                  {c.notes.map((n) => (
                    <Box key={n.id} borderColor="border" borderWidth="025" borderRadius="200" padding="300">
                      <BlockStack gap="100">
                        <Text as="p" tone="subdued" variant="bodySm">
                          {n.author} · {when(n.at)}
                        </Text>
                        <p style={{ whiteSpace: "pre-wrap", margin: 0 }}>{n.body}</p>
                      </BlockStack>
                    </Box>
                  ))}
                  <Form method="post">
                    <input type="hidden" name="intent" value="note" />
                    <FormLayout>
                      <TextField
                        label="Add a note"
                        name="body"
                        value={note}
                        onChange={setNote}
                        multiline={3}
                        autoComplete="off"
                        error={errors.body}
                        helpText="Only your team sees notes."
                      />
                      <Button submit loading={busy && navigation.formData?.get("intent") === "note"}>
                        Add note
                      </Button>
                    </FormLayout>
                  </Form>
                </BlockStack>
              </Card>
              {apology && (
                <ApologyCard
                  apology={apology}
                  demo={demo}
                  busy={busy && navigation.formData?.get("intent") === "apology"}
                />
              )}
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    History
                  </Text>
                  <ol style={{ margin: 0, paddingLeft: 20 }}>
                    <li>
                      <Text as="span">Opened · due {c.dueAt ? when(c.dueAt) : "–"}</Text>
                    </li>
                    {c.events.map((e) => (
                      <li key={e.id}>
                        <Text as="span">
                          {FIELD_LABELS[e.field] ?? e.field}: {show(e.field, e.from)} → {show(e.field, e.to)} ·{" "}
                          {e.actor} · {when(e.at)}
                        </Text>
                      </li>
                    ))}
                  </ol>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <Form method="post">
                  <input type="hidden" name="intent" value="update" />
                  <FormLayout>
                    <Select
                      label="Status"
                      name="status"
                      options={Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label }))}
                      value={status}
                      onChange={setStatus}
                      error={errors.status}
                    />
                    <TextField
                      label="Assignee"
                      name="assignee"
                      value={assignee}
                      onChange={setAssignee}
                      autoComplete="off"
                      error={errors.assignee}
                    />
                    <Text as="p" tone={c.overdue ? "critical" : "subdued"}>
                      Due {c.dueAt ? when(c.dueAt) : "–"}
                      {c.resolvedAt ? ` · resolved ${when(c.resolvedAt)}` : ""}
                    </Text>
                    <Button submit variant="primary" loading={busy && navigation.formData?.get("intent") === "update"}>
                      Save
                    </Button>
                  </FormLayout>
                </Form>
              </Card>
              <Card>
                <BlockStack gap="100">
                  <Text as="h2" variant="headingMd">
                    Customer
                  </Text>
                  {customer ? (
                    <>
                      <Text as="p">{customer.name ?? "No name"}</Text>
                      <Text as="p" tone="subdued">
                        {customer.email ?? "No email"}
                      </Text>
                      <Text as="p">
                        {customer.segment ? segmentLabel(customer.segment.toLowerCase()) : "No segment"} ·{" "}
                        {customer.totalSpent} spent · {formatCount(customer.orders)} orders
                      </Text>
                    </>
                  ) : (
                    <Text as="p" tone="subdued">
                      A guest checkout: no customer record.
                    </Text>
                  )}
                </BlockStack>
              </Card>
              {outcome && (
                <Card>
                  <BlockStack gap="100">
                    <Text as="h2" variant="headingMd">
                      Outcome
                    </Text>
                    <Text as="p">
                      {outcome.reordered || outcome.rescored || outcome.moved_up
                        ? "Won back: " +
                          [
                            outcome.reordered && "ordered again",
                            outcome.rescored && "answered again with a higher score",
                            outcome.moved_up && "moved up a segment",
                          ]
                            .filter(Boolean)
                            .join(", ")
                        : outcome.window_over
                          ? "Not won back within 90 days."
                          : "Watching the 90 days after the resolution."}
                    </Text>
                  </BlockStack>
                </Card>
              )}
            </BlockStack>
          </Layout.Section>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Case" />;
}
