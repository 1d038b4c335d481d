import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useFetcher, useLoaderData, useRevalidator } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineGrid,
  InlineStack,
  Page,
  ProgressBar,
  Text,
  TextField,
} from "@shopify/polaris";
import { useEffect, useState } from "react";
import { z } from "zod";
import { requireAdmin } from "../admin.server";
import { DashboardError, formatCount } from "../components/Dashboard";
import { LOCALE_NAMES, SHOPPER_LOCALES, type ShopperLocale } from "../domain/shopper-locales";
import {
  DEFAULT_THEME_KEYS,
  type ThemeDefinition,
  type ThemeInput,
  ThemeInputSchema,
  themeKeyFor,
} from "../domain/theme-taxonomy";
import {
  listChangedThemeKeys,
  listShopThemes,
  previewThemeChange,
  readThemeProgress,
  resetShopTheme,
  saveShopTheme,
  type ThemePreview,
} from "../models/themes.server";
import { wake } from "../workers/wake.server";

/** `?add=<phrase>&language=<xx>`: a new theme proposed from a phrase (What no theme covers). */
const ProposalSchema = z.object({
  add: z.string().trim().min(1).max(80),
  language: z.enum(SHOPPER_LOCALES),
});

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const params = new URL(request.url).searchParams;
  const proposed = params.has("add") ? ProposalSchema.safeParse(Object.fromEntries(params)) : null;
  if (proposed && !proposed.success) {
    throw new Response(
      `This link proposes no theme the app can use: ${proposed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}.`,
      { status: 400 },
    );
  }
  const [themes, changed, progress] = await Promise.all([
    listShopThemes(shop),
    listChangedThemeKeys(shop),
    readThemeProgress(shop),
  ]);
  return { themes, changed, progress, proposal: proposed?.data ?? null };
};

const ActionSchema = z.discriminatedUnion("intent", [
  // isNew: the merchant is adding a theme, which must not replace one the shop already has.
  z.object({ intent: z.literal("preview"), theme: ThemeInputSchema, isNew: z.boolean().default(false) }),
  z.object({ intent: z.literal("save"), theme: ThemeInputSchema, isNew: z.boolean().default(false) }),
  z.object({ intent: z.literal("reset"), key: z.string().min(1).max(40) }),
]);

export type ThemeActionResult =
  | { ok: true; intent: "preview"; preview: ThemePreview }
  | { ok: true; intent: "save" | "reset"; key: string }
  | { ok: false; errors: Record<string, string> };

/** The first problem of each field, by its path in the theme ("label.en", "phrases.nl.0"). */
function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues)
    errors[issue.path.filter((p) => p !== "theme").join(".") || "form"] ??= issue.message;
  return errors;
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  let body: unknown;
  try {
    body = JSON.parse(String((await request.formData()).get("body") ?? ""));
  } catch {
    return Response.json(
      { ok: false, errors: { form: "The form could not be read; reload the page." } },
      { status: 400 },
    );
  }
  const parsed = ActionSchema.safeParse(body);
  if (!parsed.success) return Response.json({ ok: false, errors: fieldErrors(parsed.error) }, { status: 422 });
  const input = parsed.data;
  if (input.intent !== "reset" && input.isNew) {
    const existing = (await listShopThemes(shop)).find((t) => t.key === input.theme.key);
    if (existing) {
      const name = existing.label.en || existing.key;
      return Response.json(
        {
          ok: false,
          errors: {
            "label.en": `A theme with this key (“${existing.key}”, ${name}) exists already: give the new one another name, or change “${name}” instead.`,
          },
        },
        { status: 409 },
      );
    }
  }
  if (input.intent === "preview") {
    const preview = await previewThemeChange(shop, input.theme);
    return Response.json({ ok: true, intent: "preview", preview } satisfies ThemeActionResult);
  }
  if (input.intent === "save") {
    await saveShopTheme(shop, input.theme);
    wake("themes");
    return Response.json({ ok: true, intent: "save", key: input.theme.key } satisfies ThemeActionResult);
  }
  if (!(await resetShopTheme(shop, input.key))) {
    return Response.json(
      { ok: false, errors: { form: `“${input.key}” has no change to take back.` } },
      { status: 404 },
    );
  }
  wake("themes");
  return Response.json({ ok: true, intent: "reset", key: input.key } satisfies ThemeActionResult);
};

const isDefault = (key: string) => (DEFAULT_THEME_KEYS as readonly string[]).includes(key);

function emptyTheme(): ThemeInput {
  const none = { en: "", fr: "", de: "", es: "", nl: "" };
  return {
    key: "",
    enabled: true,
    label: { ...none },
    description: { ...none },
    phrases: { en: [], fr: [], de: [], es: [], nl: [] },
  };
}

/** A new theme named after a phrase, with that phrase in its language. */
function proposedTheme(phrase: string, language: ShopperLocale): ThemeInput {
  const theme = emptyTheme();
  const name = phrase.charAt(0).toLocaleUpperCase() + phrase.slice(1);
  theme.label.en = name;
  theme.label[language] = name;
  theme.phrases[language] = [phrase];
  return theme;
}

function Examples({ title, items }: { title: string; items: Array<{ comment: string; words: string[] }> }) {
  if (items.length === 0) return null;
  return (
    <BlockStack gap="100">
      <Text as="h4" variant="headingSm">
        {title}
      </Text>
      <ul style={{ margin: 0, paddingInlineStart: 20 }}>
        {items.map((e, i) => (
          <li key={i}>
            <Text as="span">{e.comment}</Text>{" "}
            <Text as="span" tone="subdued">
              ({e.words.join(", ")})
            </Text>
          </li>
        ))}
      </ul>
    </BlockStack>
  );
}

function ThemeEditor({
  initial,
  isNew,
  onDone,
}: {
  initial: ThemeDefinition | ThemeInput;
  isNew: boolean;
  onDone: () => void;
}) {
  const [theme, setTheme] = useState<ThemeInput>(structuredClone(initial));
  const [phraseText, setPhraseText] = useState<Record<ShopperLocale, string>>(
    Object.fromEntries(SHOPPER_LOCALES.map((l) => [l, initial.phrases[l].join("\n")])) as Record<ShopperLocale, string>,
  );
  const previewer = useFetcher<ThemeActionResult>();
  const saver = useFetcher<ThemeActionResult>();
  const current = (): ThemeInput => ({
    ...theme,
    key: isNew ? themeKeyFor(theme.label.en) : theme.key,
    phrases: Object.fromEntries(
      SHOPPER_LOCALES.map((l) => [
        l,
        phraseText[l]
          .split("\n")
          .map((p) => p.trim())
          .filter((p) => p !== ""),
      ]),
    ) as ThemeInput["phrases"],
  });
  const submit = (fetcher: typeof previewer, intent: "preview" | "save") =>
    fetcher.submit({ body: JSON.stringify({ intent, theme: current(), isNew }) }, { method: "post" });
  useEffect(() => {
    if (saver.state === "idle" && saver.data?.ok) onDone();
  }, [saver.state, saver.data, onDone]);
  const errors = {
    ...(previewer.data && !previewer.data.ok ? previewer.data.errors : {}),
    ...(saver.data && !saver.data.ok ? saver.data.errors : {}),
  };
  const preview = previewer.data?.ok && previewer.data.intent === "preview" ? previewer.data.preview : null;
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="h2" variant="headingMd">
          {isNew ? "New theme" : `Edit “${initial.label.en}”`}
        </Text>
        {errors.form && <Banner tone="critical">{errors.form}</Banner>}
        <FormLayout>
          <Checkbox
            label="On: comments are read for this theme"
            checked={theme.enabled}
            onChange={(enabled) => setTheme({ ...theme, enabled })}
          />
          <InlineGrid columns={{ xs: 1, md: 5 }} gap="300">
            {SHOPPER_LOCALES.map((l) => (
              <TextField
                key={l}
                label={`Name (${LOCALE_NAMES[l]})`}
                value={theme.label[l]}
                onChange={(v) => setTheme({ ...theme, label: { ...theme.label, [l]: v } })}
                error={errors[`label.${l}`]}
                autoComplete="off"
                maxLength={60}
              />
            ))}
          </InlineGrid>
          {isNew && theme.label.en !== "" && (
            <Text as="p" tone="subdued">
              Key: {themeKeyFor(theme.label.en)}
            </Text>
          )}
          {errors.key && <Banner tone="critical">{`Key: ${errors.key}`}</Banner>}
          <TextField
            label="Description (English)"
            value={theme.description.en}
            onChange={(v) => setTheme({ ...theme, description: { ...theme.description, en: v } })}
            error={errors["description.en"]}
            autoComplete="off"
            maxLength={300}
          />
          <Text as="p" tone="subdued">
            One phrase per line, as shoppers write it: inflections are found for you (late, later; arrivé, arrivée). End
            a word with * to match every word it starts (bpost*); put a word in &quot;quotes&quot; to match only that
            word as written. In German and Dutch a one-word phrase also matches inside compounds (Lieferzeit).
          </Text>
          <InlineGrid columns={{ xs: 1, md: 5 }} gap="300">
            {SHOPPER_LOCALES.map((l) => (
              <TextField
                key={l}
                label={`Phrases (${LOCALE_NAMES[l]})`}
                value={phraseText[l]}
                onChange={(v) => setPhraseText({ ...phraseText, [l]: v })}
                error={Object.entries(errors).find(([k]) => k.startsWith(`phrases.${l}`))?.[1]}
                multiline={8}
                autoComplete="off"
              />
            ))}
          </InlineGrid>
        </FormLayout>
        {preview && (
          <Banner tone="info" title="What saving would change">
            <BlockStack gap="200">
              <p>
                Of your latest {formatCount(preview.read)} comments, {formatCount(preview.added)} would gain this theme
                and {formatCount(preview.removed)} would lose it. Saving reads all {formatCount(preview.comments)}{" "}
                comments again.
              </p>
              <Examples title="Would gain it" items={preview.addedExamples} />
              <Examples title="Would lose it" items={preview.removedExamples} />
            </BlockStack>
          </Banner>
        )}
        <InlineStack gap="200" align="end">
          <Button onClick={onDone}>Cancel</Button>
          <Button onClick={() => submit(previewer, "preview")} loading={previewer.state !== "idle"}>
            Preview
          </Button>
          <Button variant="primary" onClick={() => submit(saver, "save")} loading={saver.state !== "idle"}>
            Save and read comments again
          </Button>
        </InlineStack>
      </BlockStack>
    </Card>
  );
}

export default function ThemeSettings() {
  const { themes, changed, progress, proposal } = useLoaderData<typeof loader>();
  const [editing, setEditing] = useState<{ theme: ThemeDefinition | ThemeInput; isNew: boolean } | null>(() =>
    proposal ? { theme: proposedTheme(proposal.add, proposal.language), isNew: true } : null,
  );
  const resetter = useFetcher<ThemeActionResult>();
  const revalidator = useRevalidator();
  // While comments are read again, the progress refreshes every few seconds.
  useEffect(() => {
    if (progress.pending === 0) return;
    const timer = setInterval(() => revalidator.revalidate(), 3000);
    return () => clearInterval(timer);
  }, [progress.pending, revalidator]);
  const read = progress.comments - progress.pending;
  return (
    <Page
      title="Themes"
      backAction={{ content: "Settings", url: "/app/settings" }}
      primaryAction={{ content: "Add a theme", onAction: () => setEditing({ theme: emptyTheme(), isNew: true }) }}
    >
      <TitleBar title="Themes" />
      <BlockStack gap="400">
        {progress.pending > 0 && (
          <Card>
            <BlockStack gap="200">
              <Text as="p">
                Reading comments: {formatCount(read)} of {formatCount(progress.comments)}
              </Text>
              <ProgressBar progress={progress.comments ? (100 * read) / progress.comments : 0} size="small" />
            </BlockStack>
          </Card>
        )}
        {resetter.data && !resetter.data.ok && <Banner tone="critical">{resetter.data.errors.form}</Banner>}
        {editing && (
          <ThemeEditor
            key={editing.isNew ? "new" : editing.theme.key}
            initial={editing.theme}
            isNew={editing.isNew}
            onDone={() => setEditing(null)}
          />
        )}
        <Card padding="0">
          <Box padding="400">
            <Text as="p" tone="subdued">
              Themes are what comments are about, not whether they praise or complain: “arrived late” and “arrived on
              time” are both Delivery time. Rename a theme, change its phrases, switch it off, or add your own (a
              product line, a courier).
            </Text>
          </Box>
          <DataTable
            columnContentTypes={["text", "text", "numeric", "text"]}
            headings={["Theme", "Status", "Phrases", ""]}
            rows={themes.map((t) => [
              <BlockStack key="n" gap="050">
                <Text as="span" fontWeight="semibold">
                  {t.label.en || t.key}
                </Text>
                <Text as="span" tone="subdued" variant="bodySm">
                  {t.description.en}
                </Text>
              </BlockStack>,
              <InlineStack key="s" gap="100">
                {t.enabled ? <Badge tone="success">On</Badge> : <Badge>Off</Badge>}
                {!isDefault(t.key) ? (
                  <Badge tone="info">Yours</Badge>
                ) : (
                  changed.includes(t.key) && <Badge>Changed</Badge>
                )}
              </InlineStack>,
              formatCount(SHOPPER_LOCALES.reduce((n, l) => n + t.phrases[l].length, 0)),
              <InlineStack key="a" gap="200" align="end">
                <Button size="slim" onClick={() => setEditing({ theme: t, isNew: false })}>
                  Edit
                </Button>
                {changed.includes(t.key) && (
                  <Button
                    size="slim"
                    tone={isDefault(t.key) ? undefined : "critical"}
                    loading={resetter.state !== "idle"}
                    onClick={() => {
                      const question = isDefault(t.key)
                        ? `Put “${t.label.en}” back as it was shipped?`
                        : `Delete “${t.label.en}”? Its assignments go with it.`;
                      if (window.confirm(question))
                        resetter.submit({ body: JSON.stringify({ intent: "reset", key: t.key }) }, { method: "post" });
                    }}
                  >
                    {isDefault(t.key) ? "Reset" : "Delete"}
                  </Button>
                )}
              </InlineStack>,
            ])}
          />
        </Card>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Themes" />;
}
