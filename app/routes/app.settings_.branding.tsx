import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  BlockStack,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { useRef, useState } from "react";
import { z } from "zod";
import { requireAdmin } from "../admin.server";
import { ActionBanners, type ActionResult } from "../components/ActionBanners";
import { DashboardError } from "../components/Dashboard";
import { contrast, formatRatio, HexColorSchema, SURFACE, type SurveyPalette, surveyPalette } from "../domain/brand";
import { loadBranding, syncShopBrand } from "../models/brand.server";
import { saveBrandingSettings } from "../models/shops.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireAdmin(request);
  return { demo, ...(await loadBranding(shop, { offline: demo })) };
};

const IntentSchema = z.enum(["save", "refresh"]);
const textOrNull = (value: FormDataEntryValue | null) =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : null;

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, demo } = await requireAdmin(request);
  const form = await request.formData();
  const bad = (errors: Record<string, string>) =>
    Response.json({ ok: false, errors } satisfies ActionResult, { status: 400 });
  const intent = IntentSchema.safeParse(form.get("intent"));
  if (!intent.success) return bad({ form: "Unknown action: expected save or refresh." });
  if (intent.data === "refresh") {
    if (demo) return bad({ form: "The demo shop has no Shopify store to read a brand from." });
    try {
      await syncShopBrand(shop);
    } catch (error) {
      return bad({ form: `Shopify's brand settings could not be read: ${(error as Error).message}` });
    }
    return Response.json({ ok: true, message: "Brand read again from Shopify." } satisfies ActionResult);
  }
  const saved = await saveBrandingSettings(shop, {
    useBrand: form.get("useBrand") === "on",
    accent: textOrNull(form.get("accent")),
    logoUrl: textOrNull(form.get("logoUrl")),
    showLogo: form.get("showLogo") === "on",
  });
  if (!saved.ok) return bad(saved.errors);
  return Response.json({ ok: true, message: "Branding saved. Surveys use it from now on." } satisfies ActionResult);
};

/** The survey as a shopper sees it, in the colours being edited: one score chosen, and the button. */
function Preview({ palette, shopName }: { palette: SurveyPalette; shopName: string }) {
  const chosen = 9;
  return (
    <div
      aria-label="Preview of the survey"
      role="img"
      style={{ background: SURFACE, color: "#1a1a1a", borderRadius: 12, padding: 20, border: "1px solid #e3e3e3" }}
    >
      <p style={{ margin: "0 0 12px", fontWeight: 600, fontSize: 17 }}>
        How likely are you to recommend {shopName} to a friend?
      </p>
      <div style={{ display: "grid", gridTemplateColumns: "repeat(11, minmax(0, 1fr))", gap: 4 }}>
        {Array.from({ length: 11 }, (_, n) => (
          <span
            key={n}
            style={{
              textAlign: "center",
              lineHeight: "40px",
              borderRadius: 6,
              fontWeight: 600,
              border: `1px solid ${palette.accent}`,
              background: n === chosen ? palette.accent : "transparent",
              color: n === chosen ? palette.onAccent : "#1a1a1a",
            }}
          >
            {n}
          </span>
        ))}
      </div>
      <span
        style={{
          display: "inline-block",
          marginTop: 16,
          padding: "10px 24px",
          borderRadius: 6,
          fontWeight: 600,
          background: palette.accent,
          color: palette.onAccent,
        }}
      >
        Send
      </span>
    </div>
  );
}

function Swatch({ color, label }: { color: string | null; label: string }) {
  return (
    <InlineStack gap="200" blockAlign="center">
      <span
        aria-hidden
        style={{
          width: 20,
          height: 20,
          borderRadius: 4,
          border: "1px solid #8a8a8a",
          background: color ?? "repeating-linear-gradient(45deg,#eee 0 4px,#fff 4px 8px)",
        }}
      />
      <Text as="span">
        {label}: {color ?? "not set"}
      </Text>
    </InlineStack>
  );
}

export default function BrandingSettingsPage() {
  const { demo, branding, brand, syncedAt, shopName } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const errors = result && !result.ok ? result.errors : {};
  const [useBrand, setUseBrand] = useState(branding.useBrand);
  const [accentText, setAccentText] = useState(branding.accent ?? "");
  const [logoUrl, setLogoUrl] = useState(branding.logoUrl ?? "");
  const [showLogo, setShowLogo] = useState(branding.showLogo);
  // A half-typed colour leaves the preview in the last whole one (empty: the brand's own).
  const lastAccent = useRef<string | null>(branding.accent);
  const typed = HexColorSchema.safeParse(accentText);
  if (typed.success) lastAccent.current = typed.data;
  else if (accentText.trim() === "") lastAccent.current = null;
  const palette = surveyPalette(brand, { useBrand, accent: lastAccent.current, logoUrl: null, showLogo: false });
  const saving = navigation.state !== "idle" && navigation.formData?.get("intent") === "save";
  return (
    <Page title="Branding" backAction={{ content: "Settings", url: "/app/settings" }}>
      <TitleBar title="Branding" />
      <BlockStack gap="400">
        <ActionBanners result={result} />
        <Layout>
          <Layout.AnnotatedSection
            title="Your brand in Shopify"
            description="From Settings → Brand in your Shopify admin: the surveys take its primary colour, and emails its logo."
          >
            <Card>
              <BlockStack gap="300">
                <Swatch color={brand?.primary ?? null} label="Primary colour" />
                <Swatch color={brand?.onPrimary ?? null} label="Text on it" />
                <Text as="p">Logo: {brand?.logoUrl ? "set" : "none"}</Text>
                <Text as="p" tone="subdued">
                  {demo
                    ? "The demo shop's brand is generated."
                    : syncedAt
                      ? `Read from Shopify ${new Date(syncedAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })} UTC.`
                      : "Not read from Shopify yet."}
                </Text>
                {demo ? null : (
                  <Form method="post">
                    <input type="hidden" name="intent" value="refresh" />
                    <Button submit>Read again from Shopify</Button>
                  </Form>
                )}
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="The survey's look"
            description="Used on the survey page, in invitation emails and in the storefront block. The thank-you and order status blocks follow your checkout's own branding."
          >
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="save" />
                <FormLayout>
                  <Checkbox
                    label="Use my brand's colours"
                    name="useBrand"
                    checked={useBrand}
                    onChange={setUseBrand}
                    helpText="Off: the neutral style, black on white."
                  />
                  <TextField
                    label="Accent colour (optional)"
                    name="accent"
                    value={accentText}
                    onChange={setAccentText}
                    placeholder={brand?.primary ?? "#1a5c3b"}
                    helpText="Leave empty to follow your brand's primary colour. Kept when the brand's colours are off."
                    error={errors.accent}
                    autoComplete="off"
                  />
                  <TextField
                    label="Logo address for emails (optional)"
                    name="logoUrl"
                    type="url"
                    value={logoUrl}
                    onChange={setLogoUrl}
                    placeholder="https://cdn.shopify.com/…/logo.png"
                    helpText="Leave empty to use the logo from your brand settings."
                    error={errors.logoUrl}
                    autoComplete="off"
                  />
                  <Checkbox label="Show the logo in emails" name="showLogo" checked={showLogo} onChange={setShowLogo} />
                  <Button submit variant="primary" loading={saving}>
                    Save branding
                  </Button>
                </FormLayout>
              </Form>
            </Card>
          </Layout.AnnotatedSection>
          <Layout.AnnotatedSection
            title="Preview"
            description="The survey as shoppers see it, in the colours above (the logo shows in emails only: the survey page and block sit under your theme's own header). Contrast is checked against WCAG AA."
          >
            <Card>
              <BlockStack gap="300">
                <Preview palette={palette} shopName={shopName} />
                <Text as="p" tone={palette.fallback ? "critical" : "subdued"}>
                  {palette.fallback ??
                    (palette.source === "neutral"
                      ? "The neutral style."
                      : `Accent ${palette.accent}: ${formatRatio(contrast(palette.accent, SURFACE))} against the white card, text on it ${formatRatio(contrast(palette.accent, palette.onAccent))}. Both meet WCAG AA.`)}
                </Text>
              </BlockStack>
            </Card>
          </Layout.AnnotatedSection>
        </Layout>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Branding" />;
}
