import { Form, useNavigation } from "@remix-run/react";
import {
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Collapsible,
  Icon,
  InlineStack,
  ProgressBar,
  Text,
  Tooltip,
} from "@shopify/polaris";
import { Card } from "./Island";
import { CheckCircleIcon, ChevronDownIcon, ChevronUpIcon, XIcon } from "@shopify/polaris-icons";
import { useState } from "react";
import type { SetupGuide as Guide, SetupStep } from "../models/setup.server";

const TITLES: Record<SetupStep["key"], string> = {
  history: "Import your order history",
  embed: "Turn on the storefront survey",
  checkout: "Add the thank-you and order status blocks",
  settings: "Review survey texts and delays",
  test: "Send yourself a test survey",
};

function StepBody({ step, guide }: { step: SetupStep; guide: Guide }) {
  const navigation = useNavigation();
  const sending = navigation.state !== "idle" && navigation.formData?.get("intent") === "test-survey";
  switch (step.key) {
    case "history":
      return (
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            {step.state === "done"
              ? `Imported ${step.detail}. Segments and customer values come from the shop's whole history.`
              : step.state === "failed"
                ? "The import stopped with an error. Its page says what happened and starts it again."
                : step.state === "running"
                  ? `Importing: ${step.detail}. RFM segments are computed when it finishes.`
                  : "Starts by itself after install, so that every answer gets its customer's RFM segment."}
          </Text>
          {step.state === "running" && step.detail?.endsWith("%") ? (
            <ProgressBar progress={Number.parseInt(step.detail, 10)} size="small" />
          ) : null}
          <Box>
            <Button url="/app/history">See the order history import</Button>
          </Box>
        </BlockStack>
      );
    case "embed":
      return (
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            {step.state === "done"
              ? `The storefront survey loaded on ${step.detail}.`
              : "Opens your theme editor with the NPS app embed switched on: save the theme. Signed-in customers then see their open survey on your store, and the emailed links open on it. This step completes when the embed first loads."}
          </Text>
          <Box>
            <Button url={guide.links.themeEditor} target="_top" variant={step.state === "done" ? undefined : "primary"}>
              Open the theme editor
            </Button>
          </Box>
        </BlockStack>
      );
    case "checkout":
      return (
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            {step.detail
              ? `Seen on the ${step.detail}.`
              : "Add the NPS survey block to the thank-you page (asked right after checkout) and to the order status page. Each completes when it first shows on a real order."}
          </Text>
          <ButtonGroup>
            <Button url={guide.links.thankYouEditor} target="_top">
              Edit the thank-you page
            </Button>
            <Button url={guide.links.orderStatusEditor} target="_top">
              Edit the order status page
            </Button>
          </ButtonGroup>
        </BlockStack>
      );
    case "settings":
      return (
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            {step.state === "done"
              ? `Saved on ${step.detail}.`
              : "Check the follow-up question for each score, the delays before each survey and the channels, then save."}
          </Text>
          <Box>
            <Button url="/app/settings">Open survey settings</Button>
          </Box>
        </BlockStack>
      );
    case "test":
      return (
        <BlockStack gap="200">
          <Text as="p" tone="subdued">
            {step.state === "done"
              ? `You answered ${guide.test.score} on ${step.detail}${guide.test.comment ? `: “${guide.test.comment}”` : ""}. Test answers never count in your NPS.`
              : step.state === "running"
                ? `Sent to ${guide.test.sentTo} on ${step.detail}. Open it and answer: your answer shows here.`
                : guide.shopEmail
                  ? `Emails the survey your shoppers get to ${guide.shopEmail}. Answer it from your inbox: your answer shows here and never counts in your NPS.`
                  : "The shop has no email address in Shopify (Settings → General), so the test has nowhere to go yet."}
          </Text>
          <Form method="post">
            <input type="hidden" name="intent" value="test-survey" />
            <Button submit loading={sending} disabled={!guide.shopEmail}>
              {step.state === "todo" ? "Send a test survey" : "Send another test survey"}
            </Button>
          </Form>
        </BlockStack>
      );
  }
}

/**
 * Polaris's setup guide: each step with the state the app observed, the first open one
 * expanded; the whole guide can be collapsed, and dismissed (the Overview offers it again).
 */
export function SetupGuide({ guide }: { guide: Guide }) {
  const firstOpen = guide.steps.find((s) => s.state !== "done")?.key ?? null;
  const [expanded, setExpanded] = useState<SetupStep["key"] | null>(firstOpen);
  const [open, setOpen] = useState(true);
  const total = guide.steps.length;
  return (
    <Card>
      <BlockStack gap="300">
        <InlineStack align="space-between" blockAlign="start" wrap={false}>
          <BlockStack gap="100">
            <Text as="h2" variant="headingMd">
              Setup guide
            </Text>
            <Text as="p" tone="subdued">
              Each step checks itself: it is ticked when the app sees it done.
            </Text>
          </BlockStack>
          <InlineStack gap="100" wrap={false}>
            <Form method="post">
              <input type="hidden" name="intent" value="dismiss-guide" />
              <Tooltip content="Dismiss the guide">
                <Button submit variant="tertiary" icon={XIcon} accessibilityLabel="Dismiss the setup guide" />
              </Tooltip>
            </Form>
            <Button
              variant="tertiary"
              icon={open ? ChevronUpIcon : ChevronDownIcon}
              accessibilityLabel={open ? "Collapse the setup guide" : "Expand the setup guide"}
              ariaExpanded={open}
              ariaControls="setup-guide-steps"
              onClick={() => setOpen(!open)}
            />
          </InlineStack>
        </InlineStack>
        <InlineStack gap="200" blockAlign="center" wrap={false}>
          <Text as="span" variant="bodySm">
            {guide.done} of {total} tasks complete
          </Text>
          <div style={{ flex: 1 }}>
            <ProgressBar progress={(guide.done / total) * 100} size="small" tone="primary" />
          </div>
        </InlineStack>
        <Collapsible id="setup-guide-steps" open={open}>
          <BlockStack gap="100">
            {guide.steps.map((step) => {
              const isOpen = expanded === step.key;
              return (
                <Box
                  key={step.key}
                  padding="200"
                  borderRadius="200"
                  background={isOpen ? "bg-surface-secondary" : undefined}
                >
                  <BlockStack gap="200">
                    <button
                      type="button"
                      onClick={() => setExpanded(isOpen ? null : step.key)}
                      aria-expanded={isOpen}
                      aria-controls={`setup-step-${step.key}`}
                      style={{
                        all: "unset",
                        cursor: "pointer",
                        display: "flex",
                        gap: 8,
                        alignItems: "center",
                        width: "100%",
                      }}
                    >
                      <span aria-hidden style={{ width: 20, display: "inline-flex" }}>
                        {step.state === "done" ? (
                          <Icon source={CheckCircleIcon} tone="success" />
                        ) : (
                          <span
                            style={{
                              width: 16,
                              height: 16,
                              margin: 2,
                              borderRadius: 8,
                              border: `1.5px dashed ${step.state === "failed" ? "#8e1f0b" : "#8a8a8a"}`,
                            }}
                          />
                        )}
                      </span>
                      <Text as="span" variant="bodyMd" fontWeight={isOpen ? "semibold" : "regular"}>
                        {TITLES[step.key]}
                        <Text as="span" visuallyHidden>
                          {step.state === "done" ? " (done)" : step.state === "failed" ? " (failed)" : " (to do)"}
                        </Text>
                      </Text>
                    </button>
                    {isOpen ? (
                      <div id={`setup-step-${step.key}`} style={{ paddingLeft: 28 }}>
                        <StepBody step={step} guide={guide} />
                      </div>
                    ) : null}
                  </BlockStack>
                </Box>
              );
            })}
          </BlockStack>
        </Collapsible>
      </BlockStack>
    </Card>
  );
}
