import { LineChart, LineChartRelational, PolarisVizProvider, SparkLineChart } from "@shopify/polaris-viz";
import { SkeletonBodyText } from "@shopify/polaris";
import { startTransition, useEffect, useRef, useState, type ReactNode } from "react";

// Charts measure their container, which exists only in the browser: the server renders
// a placeholder of the same height and the chart replaces it once the page is live. Drawing a
// chart is a long task, so it waits until the chart is near the screen and the browser is
// idle, and renders as a transition: a merchant's first click is never held up by a chart.

// Charts waiting to be drawn, one per idle period: a page of sparklines (a theme per row)
// drawn in one go was a single task long enough to hold up the paint after a first click.
const waiting: Array<() => void> = [];
let pumping = false;

function whenIdle(callback: () => void) {
  if ("requestIdleCallback" in window) window.requestIdleCallback(callback, { timeout: 1500 });
  else setTimeout(callback, 50);
}

function drawWhenIdle(draw: () => void): () => void {
  waiting.push(draw);
  if (!pumping) {
    pumping = true;
    const next = () => {
      try {
        waiting.shift()?.();
      } finally {
        if (waiting.length > 0) whenIdle(next);
        else pumping = false;
      }
    };
    whenIdle(next);
  }
  return () => {
    const at = waiting.indexOf(draw);
    if (at >= 0) waiting.splice(at, 1);
  };
}

function ClientOnly({ height, children }: { height: number; children: () => ReactNode }) {
  const [mounted, setMounted] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    let cancel = () => {};
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        cancel = drawWhenIdle(() => startTransition(() => setMounted(true)));
      },
      { rootMargin: "200px" },
    );
    observer.observe(element);
    return () => {
      observer.disconnect();
      cancel();
    };
  }, []);
  return (
    <div ref={box} style={{ height }}>
      {mounted ? (
        <PolarisVizProvider themes={{ Light: { chartContainer: { backgroundColor: "transparent", padding: "0" } } }}>
          {children()}
        </PolarisVizProvider>
      ) : (
        <SkeletonBodyText lines={4} />
      )}
    </div>
  );
}

export interface TrendPoint {
  key: string;
  nps: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

const BAND = "rgba(44, 110, 203, 0.18)";

/** NPS per period as a line, its 95 % interval as a band around it. */
export function TrendChart({ points, label }: { points: TrendPoint[]; label: string }) {
  const series = (name: string, pick: (p: TrendPoint) => number | null) => ({
    name,
    data: points.map((p) => ({ key: p.key, value: pick(p) })),
  });
  return (
    <div role="img" aria-label={label}>
      <ClientOnly height={280}>
        {() => (
          <LineChartRelational
            theme="Light"
            isAnimated={false}
            showLegend
            data={[
              {
                ...series("NPS", (p) => p.nps),
                color: "rgba(44, 110, 203, 1)",
                styleOverride: { line: { hasArea: false } },
              },
              {
                ...series("Upper 95% limit", (p) => p.ciHigh),
                color: BAND,
                metadata: { relatedIndex: 0, areaColor: BAND, legendLabel: "95% interval" },
              },
              {
                ...series("Lower 95% limit", (p) => p.ciLow),
                color: BAND,
                metadata: { relatedIndex: 0, areaColor: BAND, legendLabel: "95% interval" },
              },
            ]}
            yAxisOptions={{ labelFormatter: (v) => `${v}` }}
          />
        )}
      </ClientOnly>
    </div>
  );
}

/** A small NPS-per-month line for a table row. */
export function Sparkline({ points, label }: { points: Array<{ month: string; nps: number | null }>; label: string }) {
  return (
    <div role="img" aria-label={label} style={{ width: 120 }}>
      <ClientOnly height={32}>
        {() => (
          <SparkLineChart
            theme="Light"
            isAnimated={false}
            data={[{ data: points.map((p) => ({ key: p.month, value: p.nps })), color: "rgba(44, 110, 203, 1)" }]}
          />
        )}
      </ClientOnly>
    </div>
  );
}

/** A theme's weekly share of answers (in %), with the share of the eight weeks before each week. */
export function ShareChart({
  points,
  label,
}: {
  points: Array<{ week: string; share: number | null; baseline: number | null }>;
  label: string;
}) {
  const pct = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 10);
  return (
    <div role="img" aria-label={label}>
      <ClientOnly height={240}>
        {() => (
          <LineChart
            theme="Light"
            isAnimated={false}
            showLegend
            data={[
              {
                name: "Share of answers (%)",
                color: "rgba(44, 110, 203, 1)",
                data: points.map((p) => ({ key: p.week, value: pct(p.share) })),
              },
              {
                name: "Eight weeks before (%)",
                color: "rgba(140, 145, 150, 1)",
                styleOverride: { line: { hasArea: false } },
                data: points.map((p) => ({ key: p.week, value: pct(p.baseline) })),
              },
            ]}
            yAxisOptions={{ labelFormatter: (v) => `${v}%` }}
          />
        )}
      </ClientOnly>
    </div>
  );
}
