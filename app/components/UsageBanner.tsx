import { Banner } from "@shopify/polaris";

export interface UsageSummary {
  used: number;
  limit: number | null;
  level: "ok" | "near" | "reached";
  resetsOn: string;
}

const n = (value: number) => value.toLocaleString("en");

/** The plan's limit, on every admin page once 80 % of it is used; nothing below that. */
export function UsageBanner({ usage, onPlanPage }: { usage: UsageSummary; onPlanPage: boolean }) {
  if (usage.level === "ok" || usage.limit === null) return null;
  const action = onPlanPage ? undefined : { content: "See plans", url: "/app/plan" };
  if (usage.level === "reached") {
    return (
      <Banner tone="critical" title="Your plan's survey limit is reached" action={action}>
        <p>
          {n(usage.used)} of {n(usage.limit)} completed surveys this cycle. New invitations and on-site surveys are
          paused until {usage.resetsOn}, or until you choose a larger plan. Answers that arrive are still saved.
        </p>
      </Banner>
    );
  }
  return (
    <Banner
      tone="warning"
      title={`${Math.floor((usage.used / usage.limit) * 100)} % of this cycle's surveys used`}
      action={action}
    >
      <p>
        {n(usage.used)} of {n(usage.limit)} completed surveys; the count starts again on {usage.resetsOn}. At the limit,
        invitations and on-site surveys pause until then.
      </p>
    </Banner>
  );
}
