import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  BlockStack,
  Button,
  Card,
  Checkbox,
  ChoiceList,
  FormLayout,
  InlineGrid,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { useState } from "react";
import { requireAdmin } from "../admin.server";
import { ActionBanners, type ActionResult } from "../components/ActionBanners";
import { DashboardError } from "../components/Dashboard";
import { type AdvocacySettings, type DiscountTerms, REVIEW_PRESETS } from "../domain/advocacy";
import { LOCALE_NAMES, SHOPPER_LOCALES, type ShopperLocale } from "../domain/shopper-locales";
import { SHOPPER_TEXTS } from "../domain/shopper-texts";
import { loadAdvocacyFunnel } from "../models/advocacy.server";
import { getShopSettings, saveAdvocacySettings } from "../models/shops.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [settings, funnel] = await Promise.all([getShopSettings(shop), loadAdvocacyFunnel(shop)]);
  return { advocacy: settings.advocacy, funnel };
};

/**
 * A number field as typed: empty is null; "1,000.50" and "1.000,50" have thousands
 * separators, a lone comma ("12,5") is a decimal one; anything else is not a number.
 */
export const numberOrNull = (value: FormDataEntryValue | null) => {
  const text = typeof value === "string" ? value.trim().replace(/\s/g, "") : "";
  if (text === "") return null;
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) return Number(text.replace(/,/g, ""));
  if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(text)) return Number(text.replace(/\./g, "").replace(",", "."));
  if (/^\d+(,\d+)?$/.test(text)) return Number(text.replace(",", "."));
  return /^\d*\.?\d+$/.test(text) ? Number(text) : Number.NaN;
};
const jsonOrNull = (value: FormDataEntryValue | null): unknown => {
  try {
    return typeof value === "string" && value !== "" ? JSON.parse(value) : null;
  } catch {
    // Not what the page sends: the schema says what is wrong with it.
    return value;
  }
};
const textOrNull = (value: FormDataEntryValue | null) =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : null;

type CodeGroup = "referral" | "apology";

/** A discount's terms as DiscountTermsFields posts them for one group. */
const discountTerms = (form: FormData, group: CodeGroup) => ({
  type: form.get(`${group}Type`),
  // A required number left empty is not a number: its own message says so.
  value: numberOrNull(form.get(`${group}Value`)) ?? Number.NaN,
  minimumSubtotal: numberOrNull(form.get(`${group}Minimum`)),
  validDays: numberOrNull(form.get(`${group}ValidDays`)) ?? Number.NaN,
  codePrefix: form.get(`${group}Prefix`),
});

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  const result = await saveAdvocacySettings(shop, {
    shareEmail: form.get("shareEmail") === "on",
    referral: {
      enabled: form.get("referralEnabled") === "on",
      ...discountTerms(form, "referral"),
    },
    review: {
      kind: form.get("reviewKind"),
      productUrl: textOrNull(form.get("productUrl")),
      siteUrl: textOrNull(form.get("siteUrl")),
      siteName: textOrNull(form.get("siteName")),
    },
    apology: {
      ...discountTerms(form, "apology"),
      templates: jsonOrNull(form.get("apologyTemplates")) ?? {},
    },
  });
  if (!result.ok) {
    return Response.json({ ok: false, errors: result.errors } satisfies ActionResult, { status: 400 });
  }
  return Response.json({ ok: true, message: "Share step saved. The next answers see it." } satisfies ActionResult);
};

function Figure({ label, value, help }: { label: string; value: string; help?: string }) {
  return (
    <BlockStack gap="100">
      <Text as="p" tone="subdued">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        {value}
      </Text>
      {help && (
        <Text as="p" variant="bodySm" tone="subdued">
          {help}
        </Text>
      )}
    </BlockStack>
  );
}

const number = (n: number | null) => (n === null ? "" : String(n));

/** The terms of a discount the app makes: kind and value, minimum, validity, code prefix. */
function DiscountTermsFields(props: {
  group: CodeGroup;
  label: string;
  terms: DiscountTerms;
  onChange: (patch: Partial<DiscountTerms>) => void;
  errors: Record<string, string>;
  currency: string | null;
  prefixHelp?: string;
}) {
  const { group, terms, onChange, errors } = props;
  return (
    <>
      <FormLayout.Group condensed>
        <Select
          label={props.label}
          name={`${group}Type`}
          options={[
            { label: "A percentage off", value: "percentage" },
            { label: `An amount off (${props.currency ?? "shop currency"})`, value: "amount" },
          ]}
          value={terms.type}
          onChange={(type) => onChange({ type: type as "percentage" | "amount" })}
        />
        <TextField
          label={terms.type === "percentage" ? "Percent" : "Amount"}
          name={`${group}Value`}
          type="number"
          min={0}
          value={number(terms.value)}
          onChange={(v) => onChange({ value: v === "" ? Number.NaN : Number(v) })}
          error={errors[`${group}.value`]}
          autoComplete="off"
        />
      </FormLayout.Group>
      <FormLayout.Group condensed>
        <TextField
          label="Minimum order subtotal"
          name={`${group}Minimum`}
          type="number"
          min={0}
          value={number(terms.minimumSubtotal)}
          onChange={(v) => onChange({ minimumSubtotal: v === "" ? null : Number(v) })}
          helpText="Empty for none"
          error={errors[`${group}.minimumSubtotal`]}
          autoComplete="off"
        />
        <TextField
          label="Valid for (days)"
          name={`${group}ValidDays`}
          type="number"
          min={1}
          value={number(terms.validDays)}
          onChange={(v) => onChange({ validDays: v === "" ? Number.NaN : Number(v) })}
          error={errors[`${group}.validDays`]}
          autoComplete="off"
        />
      </FormLayout.Group>
      <TextField
        label="Codes start with"
        name={`${group}Prefix`}
        value={terms.codePrefix}
        onChange={(codePrefix) => onChange({ codePrefix })}
        helpText={props.prefixHelp}
        error={errors[`${group}.codePrefix`]}
        autoComplete="off"
      />
    </>
  );
}

export default function Advocacy() {
  const { advocacy, funnel } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const errors = result && !result.ok ? result.errors : {};
  const [a, setA] = useState<AdvocacySettings>(advocacy);
  const referral = (patch: Partial<AdvocacySettings["referral"]>) =>
    setA({ ...a, referral: { ...a.referral, ...patch } });
  const review = (patch: Partial<AdvocacySettings["review"]>) => setA({ ...a, review: { ...a.review, ...patch } });
  const apology = (patch: Partial<AdvocacySettings["apology"]>) => setA({ ...a, apology: { ...a.apology, ...patch } });
  const [language, setLanguage] = useState<ShopperLocale>("en");
  const defaults = SHOPPER_TEXTS[language].apology;
  const template = a.apology.templates[language] ?? { subject: defaults.subject, body: defaults.body };
  const setTemplate = (patch: Partial<typeof template>) => {
    const next = { ...template, ...patch };
    const templates = { ...a.apology.templates };
    // The default wording stays the default: it follows the app's own improvements.
    if (next.subject === defaults.subject && next.body === defaults.body) delete templates[language];
    else templates[language] = next;
    apology({ templates });
  };
  const money = new Intl.NumberFormat("en", {
    style: "currency",
    currency: funnel.currency ?? "USD",
    maximumFractionDigits: 0,
  });
  return (
    <Page title="Advocacy" backAction={{ content: "Settings", url: "/app/settings" }}>
      <TitleBar title="Advocacy" />
      <BlockStack gap="400">
        <ActionBanners result={result} />
        <Card>
          <BlockStack gap="300">
            <Text as="h2" variant="headingMd">
              The share step so far
            </Text>
            <InlineGrid columns={{ xs: 2, md: 4 }} gap="400">
              <Figure label="Shown" value={String(funnel.shown)} help="answers that saw the step" />
              <Figure
                label="Review clicks"
                value={String(funnel.reviewClicks)}
                help={`by ${funnel.reviewClickers} shoppers`}
              />
              <Figure
                label="Referral codes"
                value={String(funnel.codes)}
                help={`${funnel.shareClicks} visits through shared links`}
              />
              <Figure
                label="Referral revenue"
                value={money.format(Number(funnel.referralRevenue))}
                help={`${funnel.referralOrders} orders with ${funnel.codesUsed} codes`}
              />
            </InlineGrid>
          </BlockStack>
        </Card>
        <Form method="post">
          <Layout>
            <Layout.AnnotatedSection
              title="Referral codes for promoters"
              description="After a 9 or 10, the shopper gets a personal code to give friends: a Shopify discount that each friend can use once. Orders that use it are counted as referral orders, with their revenue. A promoter who answers again keeps the same code; their own orders with it do not count."
            >
              <Card>
                <FormLayout>
                  <Checkbox
                    label="Give promoters a referral code"
                    name="referralEnabled"
                    checked={a.referral.enabled}
                    onChange={(enabled) => referral({ enabled })}
                  />
                  <DiscountTermsFields
                    group="referral"
                    label="Friends get"
                    terms={a.referral}
                    onChange={referral}
                    errors={errors}
                    currency={funnel.currency}
                    prefixHelp={`Followed by 8 random characters: ${a.referral.codePrefix || "FRIEND"}-7K3Q9PXM. Nothing personal, since friends see it.`}
                  />
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              title="Review link"
              description="Google and Trustpilot forbid asking only happy customers for reviews, so a public review site is offered after every answer, whatever the score. A product review page in your store is offered to promoters, for the main product of the order they answered about."
            >
              <Card>
                <FormLayout>
                  <ChoiceList
                    title="Ask for a review on"
                    name="reviewKind"
                    choices={[
                      { label: "Nothing", value: "none" },
                      { label: "A product review page in my store (promoters)", value: "product" },
                      { label: "A public review site (every shopper)", value: "site" },
                    ]}
                    selected={[a.review.kind]}
                    onChange={([kind]) => review({ kind: kind as AdvocacySettings["review"]["kind"] })}
                  />
                  {a.review.kind === "product" && (
                    <>
                      <Select
                        label="Review app"
                        options={[
                          { label: "Choose to fill in the address", value: "" },
                          ...Object.entries(REVIEW_PRESETS).map(([value, p]) => ({ label: p.label, value })),
                        ]}
                        value=""
                        onChange={(key) =>
                          key && review({ productUrl: REVIEW_PRESETS[key as keyof typeof REVIEW_PRESETS].url })
                        }
                      />
                      <TextField
                        label="Review page address"
                        name="productUrl"
                        value={a.review.productUrl ?? ""}
                        onChange={(productUrl) => review({ productUrl })}
                        helpText="{handle} is the product's handle, {product_id} its id, {shop_domain} your myshopify.com domain."
                        error={errors["review.productUrl"]}
                        autoComplete="off"
                      />
                    </>
                  )}
                  {a.review.kind === "site" && (
                    <>
                      <TextField
                        label="Site name"
                        name="siteName"
                        value={a.review.siteName ?? ""}
                        onChange={(siteName) => review({ siteName })}
                        placeholder="Google"
                        error={errors["review.siteName"]}
                        autoComplete="off"
                      />
                      <TextField
                        label="Review page address"
                        name="siteUrl"
                        value={a.review.siteUrl ?? ""}
                        onChange={(siteUrl) => review({ siteUrl })}
                        placeholder="https://g.page/r/your-place-id/review"
                        error={errors["review.siteUrl"]}
                        autoComplete="off"
                      />
                    </>
                  )}
                  <Checkbox
                    label="Also email the step to promoters after their answer"
                    name="shareEmail"
                    checked={a.shareEmail}
                    onChange={(shareEmail) => setA({ ...a, shareEmail })}
                    helpText="Off by default. One email per answer, with their code (once Shopify has made it) and the review link, in their language, with an unsubscribe link."
                  />
                  {/* The fields of the kinds not chosen keep their values when saved. */}
                  {a.review.kind !== "product" && (
                    <input type="hidden" name="productUrl" value={a.review.productUrl ?? ""} />
                  )}
                  {a.review.kind !== "site" && (
                    <>
                      <input type="hidden" name="siteName" value={a.review.siteName ?? ""} />
                      <input type="hidden" name="siteUrl" value={a.review.siteUrl ?? ""} />
                    </>
                  )}
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.AnnotatedSection
              title="Apology to a detractor"
              description="From a detractor's case, Send an apology emails the customer in their language, with a one-time code for them only if you choose. The case's history records it, and shows when the code is used."
            >
              <Card>
                <FormLayout>
                  <DiscountTermsFields
                    group="apology"
                    label="The code gives"
                    terms={a.apology}
                    onChange={apology}
                    errors={errors}
                    currency={funnel.currency}
                  />
                  <Select
                    label="Wording in"
                    options={SHOPPER_LOCALES.map((l) => ({
                      label: `${LOCALE_NAMES[l]}${a.apology.templates[l] ? " (yours)" : ""}`,
                      value: l,
                    }))}
                    value={language}
                    onChange={(l) => setLanguage(l as ShopperLocale)}
                  />
                  <TextField
                    label="Subject"
                    value={template.subject}
                    onChange={(subject) => setTemplate({ subject })}
                    error={errors[`apology.templates.${language}.subject`]}
                    autoComplete="off"
                  />
                  <TextField
                    label="Message"
                    value={template.body}
                    onChange={(body) => setTemplate({ body })}
                    multiline={8}
                    error={errors[`apology.templates.${language}.body`]}
                    helpText="{greeting} opens it with the customer's name; {offer} is the code's paragraph (added at the end if you leave it out); {order} and {shop} are filled in."
                    autoComplete="off"
                  />
                  {a.apology.templates[language] && (
                    <Button
                      variant="plain"
                      onClick={() => setTemplate({ subject: defaults.subject, body: defaults.body })}
                    >
                      Use the default wording
                    </Button>
                  )}
                  {Object.entries(errors)
                    .filter(([key]) => key.startsWith("apology.templates.") && !key.includes(`.${language}.`))
                    .map(([key, message]) => (
                      <Text as="p" tone="critical" key={key}>
                        {LOCALE_NAMES[key.split(".")[2] as ShopperLocale] ?? key}: {message}
                      </Text>
                    ))}
                  <input type="hidden" name="apologyTemplates" value={JSON.stringify(a.apology.templates)} />
                </FormLayout>
              </Card>
            </Layout.AnnotatedSection>
            <Layout.Section>
              <BlockStack inlineAlign="end">
                <Button submit variant="primary" loading={navigation.state === "submitting"}>
                  Save
                </Button>
              </BlockStack>
            </Layout.Section>
          </Layout>
        </Form>
      </BlockStack>
    </Page>
  );
}

export function ErrorBoundary() {
  return <DashboardError title="Advocacy" />;
}
