import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import { TitleBar } from "@shopify/app-bridge-react";
import {
  Banner,
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
import { useMemo, useState } from "react";
import { requireAdmin } from "../admin.server";
import { type DelayUnit, delayIso, delayParts } from "../domain/duration";
import type { ShopSettings } from "../domain/settings";
import { LOCALE_NAMES, SHOPPER_LOCALES, type ShopperLocale } from "../domain/shopper-locales";
import { fill, SHOPPER_TEXTS } from "../domain/shopper-texts";
import { RfmSegment, type ScoreCategory } from "../generated/prisma/enums";
import { SEGMENT_NAMES } from "../domain/rfm";
import { findShop, getShopSettings, saveShopSettings } from "../models/shops.server";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const [settings, row] = await Promise.all([getShopSettings(shop), findShop(shop)]);
  return { settings, shopName: row?.name ?? shop, primaryLocale: row?.primaryLocale ?? "en" };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop } = await requireAdmin(request);
  const form = await request.formData();
  let input: unknown;
  try {
    input = JSON.parse(String(form.get("settings") ?? ""));
  } catch {
    return Response.json(
      { ok: false, errors: { form: "The form could not be read; reload the page." } },
      { status: 400 },
    );
  }
  const result = await saveShopSettings(shop, input);
  return Response.json(result, { status: result.ok ? 200 : 422 });
};

const CATEGORIES: Array<{ key: ScoreCategory; label: string; scores: string }> = [
  { key: "PROMOTER", label: "Promoters", scores: "9-10" },
  { key: "PASSIVE", label: "Passives", scores: "7-8" },
  { key: "DETRACTOR", label: "Detractors", scores: "0-6" },
];
const UNITS = [
  { label: "minutes", value: "minutes" },
  { label: "hours", value: "hours" },
  { label: "days", value: "days" },
];

function DelayField(props: {
  label: string;
  helpText: string;
  value: string;
  error?: string;
  onChange: (iso: string) => void;
}) {
  const parts = delayParts(props.value);
  const [amount, setAmount] = useState(String(parts.amount));
  const [unit, setUnit] = useState<DelayUnit>(parts.unit);
  const [localError, setLocalError] = useState<string>();
  const update = (nextAmount: string, nextUnit: DelayUnit) => {
    setAmount(nextAmount);
    setUnit(nextUnit);
    const n = Number(nextAmount);
    if (nextAmount.trim() === "" || !Number.isInteger(n) || n < 0) {
      setLocalError("Enter a whole number, 0 or more");
      return;
    }
    setLocalError(undefined);
    props.onChange(delayIso(n, nextUnit));
  };
  return (
    <TextField
      label={props.label}
      type="number"
      min={0}
      value={amount}
      onChange={(v) => update(v, unit)}
      helpText={props.helpText}
      error={localError ?? props.error}
      autoComplete="off"
      connectedRight={
        <Select
          label={`${props.label}: unit`}
          labelHidden
          options={UNITS}
          value={unit}
          onChange={(v) => update(amount, v as DelayUnit)}
        />
      }
    />
  );
}

function Preview({ settings, locale, shopName }: { settings: ShopSettings; locale: ShopperLocale; shopName: string }) {
  const [score, setScore] = useState(3);
  const category: ScoreCategory = score >= 9 ? "PROMOTER" : score >= 7 ? "PASSIVE" : "DETRACTOR";
  const t = SHOPPER_TEXTS[locale];
  const question = settings.questions[locale]?.[category] || t.followUp[category];
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Preview ({LOCALE_NAMES[locale]})
        </Text>
        <Text as="p" variant="bodyMd" fontWeight="semibold">
          {fill(t.question, { shop: shopName })}
        </Text>
        <InlineStack gap="100" wrap>
          {Array.from({ length: 11 }, (_, n) => (
            <Button key={n} pressed={n === score} onClick={() => setScore(n)} accessibilityLabel={`Score ${n}`}>
              {String(n)}
            </Button>
          ))}
        </InlineStack>
        <Text as="p" variant="bodyMd">
          {question}
        </Text>
        <Box borderColor="border" borderWidth="025" borderRadius="200" minHeight="4rem" padding="200">
          <Text as="span" tone="subdued">
            {t.commentHint}
          </Text>
        </Box>
      </BlockStack>
    </Card>
  );
}

export default function Settings() {
  const loaded = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [settings, setSettings] = useState<ShopSettings>(loaded.settings);
  const [locale, setLocale] = useState<ShopperLocale>(
    (SHOPPER_LOCALES as readonly string[]).includes(loaded.primaryLocale)
      ? (loaded.primaryLocale as ShopperLocale)
      : "en",
  );
  const errors: Record<string, string> = result && !result.ok ? result.errors : {};
  const saving = navigation.state === "submitting";
  const set = <K extends keyof ShopSettings>(key: K, value: ShopSettings[K]) =>
    setSettings((s) => ({ ...s, [key]: value }));
  const setQuestion = (category: ScoreCategory, text: string) =>
    setSettings((s) => {
      const forLocale = { ...s.questions[locale] };
      if (text.trim() === "") delete forLocale[category];
      else forLocale[category] = text;
      return { ...s, questions: { ...s.questions, [locale]: forLocale } };
    });
  const numberField = (key: "throttleDays" | "expiryDays" | "minAnswers", text: string) =>
    set(key, text === "" ? NaN : Number(text));
  const dirty = useMemo(
    () => JSON.stringify(settings) !== JSON.stringify(loaded.settings),
    [settings, loaded.settings],
  );

  const save = () => submit({ settings: JSON.stringify(settings) }, { method: "post" });

  return (
    <Page title="Settings" primaryAction={{ content: "Save", onAction: save, loading: saving, disabled: saving }}>
      <TitleBar title="Settings" />
      <Layout>
        {result?.ok && !dirty && (
          <Layout.Section>
            <Banner tone="success" title="Settings saved" />
          </Layout.Section>
        )}
        {Object.keys(errors).length > 0 && (
          <Layout.Section>
            <Banner tone="critical" title="Some settings need a change before they can be saved">
              <p>{errors.form ?? "Check the fields marked below."}</p>
            </Banner>
          </Layout.Section>
        )}
        <Layout.AnnotatedSection
          title="When to ask"
          description="The pre-delivery survey follows the order; the post-delivery one follows fulfilment, or the carrier's delivery when it is reported."
        >
          <Card>
            <FormLayout>
              <DelayField
                label="Before delivery: after the order"
                helpText="0 sends it right away."
                value={settings.preDelay}
                error={errors.preDelay}
                onChange={(v) => set("preDelay", v)}
              />
              <DelayField
                label="After delivery: after fulfilment"
                helpText="Used when no carrier reports the delivery."
                value={settings.postDelayAfterFulfillment}
                error={errors.postDelayAfterFulfillment}
                onChange={(v) => set("postDelayAfterFulfillment", v)}
              />
              <DelayField
                label="After delivery: after the carrier's delivery"
                helpText="Replaces the fulfilment delay when a delivery is reported."
                value={settings.postDelayAfterDelivery}
                error={errors.postDelayAfterDelivery}
                onChange={(v) => set("postDelayAfterDelivery", v)}
              />
              <FormLayout.Group>
                <TextField
                  label="Don't ask a customer again for"
                  type="number"
                  suffix="days"
                  min={0}
                  value={Number.isNaN(settings.throttleDays) ? "" : String(settings.throttleDays)}
                  onChange={(v) => numberField("throttleDays", v)}
                  error={errors.throttleDays}
                  helpText="Per stage. 0 asks about every order."
                  autoComplete="off"
                />
                <TextField
                  label="Surveys close after"
                  type="number"
                  suffix="days"
                  min={1}
                  value={Number.isNaN(settings.expiryDays) ? "" : String(settings.expiryDays)}
                  onChange={(v) => numberField("expiryDays", v)}
                  error={errors.expiryDays}
                  autoComplete="off"
                />
              </FormLayout.Group>
              <Checkbox
                label="Survey test orders too"
                checked={settings.includeTestOrders}
                onChange={(v) => set("includeTestOrders", v)}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Follow-up"
          description="Every detractor's answer opens a case, due within these hours. Customers of the valued segments come first."
        >
          <Card>
            <FormLayout>
              <FormLayout.Group>
                {(
                  [
                    ["valued", "Valued segments' detractors"],
                    ["critical", "Other scores 0–2"],
                    ["other", "All other cases"],
                  ] as const
                ).map(([key, label]) => (
                  <TextField
                    key={key}
                    label={label}
                    type="number"
                    suffix="hours"
                    min={1}
                    value={Number.isNaN(settings.dueHours[key]) ? "" : String(settings.dueHours[key])}
                    onChange={(v) => set("dueHours", { ...settings.dueHours, [key]: v === "" ? NaN : Number(v) })}
                    error={errors[`dueHours.${key}`]}
                    autoComplete="off"
                  />
                ))}
              </FormLayout.Group>
              <BlockStack gap="100">
                <Text as="p">Valued segments</Text>
                <InlineStack gap="300" wrap>
                  {Object.values(RfmSegment).map((segment) => (
                    <Checkbox
                      key={segment}
                      label={SEGMENT_NAMES[segment]}
                      checked={settings.valuedSegments.includes(segment)}
                      onChange={(v) =>
                        set(
                          "valuedSegments",
                          v
                            ? [...settings.valuedSegments, segment]
                            : settings.valuedSegments.filter((x) => x !== segment),
                        )
                      }
                    />
                  ))}
                </InlineStack>
              </BlockStack>
              <Checkbox
                label="Open cases for passives (7–8) too"
                checked={settings.casesForPassives}
                onChange={(v) => set("casesForPassives", v)}
              />
              <Checkbox
                label="Tag customers in Shopify (nps-promoter, nps-passive, nps-detractor) and keep their last score"
                checked={settings.tagCustomers}
                onChange={(v) => set("tagCustomers", v)}
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Reports"
          description="Small groups give noisy scores: they are shown with their interval but left out of rankings."
        >
          <Card>
            <TextField
              label="Rank a group from"
              type="number"
              suffix="answers"
              min={1}
              value={Number.isNaN(settings.minAnswers) ? "" : String(settings.minAnswers)}
              onChange={(v) => numberField("minAnswers", v)}
              error={errors.minAnswers}
              helpText="Brands, segments and periods with fewer answers are marked “not enough answers”."
              autoComplete="off"
            />
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Where to ask"
          description="An answer on one channel closes the survey on the others."
        >
          <Card>
            <BlockStack gap="200">
              <Checkbox
                label="Email"
                checked={settings.channels.email}
                onChange={(v) => set("channels", { ...settings.channels, email: v })}
              />
              <Checkbox
                label="Thank-you page (before delivery)"
                checked={settings.channels.thankYou}
                onChange={(v) => set("channels", { ...settings.channels, thankYou: v })}
              />
              <Checkbox
                label="Order status page"
                checked={settings.channels.orderStatus}
                onChange={(v) => set("channels", { ...settings.channels, orderStatus: v })}
              />
              <Checkbox
                label="Online store (survey block and app embed)"
                checked={settings.channels.storefront}
                onChange={(v) => set("channels", { ...settings.channels, storefront: v })}
              />
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Email sender"
          description="Shoppers see this name; their replies go to the reply-to address."
        >
          <Card>
            <FormLayout>
              <TextField
                label="Sender name"
                value={settings.senderName ?? ""}
                placeholder={loaded.shopName}
                onChange={(v) => set("senderName", v.trim() === "" ? null : v)}
                error={errors.senderName}
                autoComplete="off"
              />
              <TextField
                label="Reply-to address"
                type="email"
                value={settings.replyTo ?? ""}
                placeholder="The shop's contact email"
                onChange={(v) => set("replyTo", v.trim() === "" ? null : v.trim())}
                error={errors.replyTo}
                autoComplete="email"
              />
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Follow-up questions"
          description="Asked after the score, one per group. Leave a field empty to use the default shown in it."
        >
          <BlockStack gap="400">
            <Card>
              <FormLayout>
                <Select
                  label="Language"
                  options={SHOPPER_LOCALES.map((l) => ({ label: LOCALE_NAMES[l], value: l }))}
                  value={locale}
                  onChange={(v) => setLocale(v as ShopperLocale)}
                />
                {CATEGORIES.map((c) => (
                  <TextField
                    key={`${locale}-${c.key}`}
                    label={`${c.label} (${c.scores})`}
                    value={settings.questions[locale]?.[c.key] ?? ""}
                    placeholder={SHOPPER_TEXTS[locale].followUp[c.key]}
                    onChange={(v) => setQuestion(c.key, v)}
                    error={errors[`questions.${locale}.${c.key}`]}
                    maxLength={300}
                    autoComplete="off"
                  />
                ))}
              </FormLayout>
            </Card>
            <Preview settings={settings} locale={locale} shopName={loaded.shopName} />
          </BlockStack>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Comment themes"
          description="The topics comments are read for, in the five shopper languages: rename them, change their phrases, switch them off, or add your own."
        >
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Themes and their phrases</Text>
              <Button url="/app/settings/themes">Edit themes</Button>
            </InlineStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Advocacy"
          description="After an answer: referral codes for promoters to give friends, and a review link. For detractors: the apology email sent from a case."
        >
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Share step and referral revenue</Text>
              <Button url="/app/settings/advocacy">Set up the share step</Button>
            </InlineStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Branding"
          description="The survey page, emails and storefront block in your brand's colours and logo, checked for contrast."
        >
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Colours and logo</Text>
              <Button url="/app/settings/branding">Edit branding</Button>
            </InlineStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection
          title="Integrations"
          description="Send every answer and case change to your own tools as signed webhooks."
        >
          <Card>
            <InlineStack align="space-between" blockAlign="center">
              <Text as="p">Webhook endpoints</Text>
              <Button url="/app/settings/integrations">Manage integrations</Button>
            </InlineStack>
          </Card>
        </Layout.AnnotatedSection>
        <Layout.Section>
          <InlineStack align="end">
            <Button variant="primary" onClick={save} loading={saving}>
              Save
            </Button>
          </InlineStack>
        </Layout.Section>
      </Layout>
    </Page>
  );
}
