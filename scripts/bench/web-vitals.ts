import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { childEnv, freePort, startScript } from "../../test/process";
import { launchChromium } from "../lib/chromium";
import { exitAfterOutput } from "../lib/output";

// Web Vitals of every admin page of the demo, measured the way Built for Shopify measures them:
// Google's web-vitals library in the page, headless Chromium with the CPU slowed 4×, several
// loads per page, the 75th percentile of each metric. The bar: LCP ≤ 2.5 s, CLS ≤ 0.1,
// INP ≤ 200 ms. INP needs an interaction: each load clicks the page's title and opens its
// first select or button menu, as a merchant's first click would. Run it on an otherwise idle
// machine: the browser, the app and this script share its cores. Where a page misses the INP
// bar or comes within a quarter of it, its slowest interaction is broken down as web-vitals attributes it (input delay, event
// processing, presentation delay, and the longest script in the frame) to show where to look.
const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    slowdown: { type: "string", default: "4" },
    orders: { type: "string", default: "20000" },
    // Only the pages whose address starts with one of these (comma-separated), e.g. /app/detractors.
    pages: { type: "string" },
  },
});
const prefixes = values.pages?.split(",").map((p) => p.trim()) ?? [];
if (prefixes.some((p) => !p.startsWith("/app"))) {
  console.error(`--pages takes admin page addresses starting with /app, comma-separated; got ${values.pages}`);
  process.exit(2);
}
const runs = Number(values.runs);
const slowdown = Number(values.slowdown);
if (!Number.isInteger(runs) || runs < 1 || !(slowdown >= 1)) {
  console.error(`--runs takes a whole number of loads (1 or more) and --slowdown a factor of 1 or more`);
  process.exit(2);
}
const BAR = { lcp: 2500, cls: 0.1, inp: 200 };

const require = createRequire(import.meta.url);
// The package exports only its modules: its browser build sits beside them.
const library = readFileSync(
  path.join(path.dirname(require.resolve("web-vitals")), "web-vitals.attribution.iife.js"),
  "utf8",
);
// Every change is kept: the latest value of each metric is the page's, as the library's
// final report (on leaving the page) would give. Interactions of any duration count (the
// library's default ignores those under 40 ms), so that a page without an INP figure is one
// where the interaction did not happen.
const collector = `${library}
window.__vitals = {};
for (const [name, on] of [["lcp", webVitals.onLCP], ["cls", webVitals.onCLS], ["inp", webVitals.onINP]]) {
  on((m) => {
    window.__vitals[name] = m.value;
    if (name !== "inp") return;
    const a = m.attribution, s = a.longestScript;
    window.__vitals.inpWhy = [
      a.interactionType + " on " + a.interactionTarget,
      "input delay " + Math.round(a.inputDelay),
      "processing " + Math.round(a.processingDuration),
      "presentation " + Math.round(a.presentationDelay),
      s ? "longest script " + Math.round(s.entry.duration) + " ms (" + s.subpart + ", " +
        (s.entry.invoker || "?") + " " + (s.entry.sourceFunctionName || "") + " " +
        String(s.entry.sourceURL || "").split("/").pop() + ")" : "",
      a.totalScriptDuration !== undefined ? "scripts " + Math.round(a.totalScriptDuration) +
        ", style and layout " + Math.round(a.totalStyleAndLayoutDuration) +
        ", unattributed " + Math.round(a.totalUnattributedDuration) +
        " in " + a.longAnimationFrameEntries.length + " long frames" : "",
    ].filter(Boolean).join(", ");
  }, { reportAllChanges: true, durationThreshold: 0 });
}`;

const dataDir = mkdtempSync(path.join(tmpdir(), "nps-web-vitals-"));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const app = await startScript(
  "scripts/demo.ts",
  childEnv({
    PORT: String(port),
    PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
    OUTBOX_DIR: path.join(dataDir, "outbox"),
    DEMO_ORDERS: values.orders,
  }),
  /NPS demo: http/,
  300_000,
);

const p75 = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(0.75 * sorted.length) - 1)] ?? Number.NaN;
};

type Sample = { lcp?: number; cls?: number; inp?: number; inpWhy?: string };

async function measure(page: Page, url: string) {
  await page.goto(`${base}${url}`, { waitUntil: "networkidle" });
  // A merchant's first interaction: the page's title, then its first control.
  await page
    .locator("h1")
    .first()
    .click({ timeout: 10_000 })
    .catch(() => {});
  const control = page.locator("main select, main button").first();
  if ((await control.count()) > 0) await control.focus().catch(() => {});
  await page.keyboard.press("Tab");
  await page.waitForTimeout(500);
  return page.evaluate(() => (window as unknown as { __vitals: Sample }).__vitals);
}

let exitCode = 0;
try {
  const browser = await launchChromium();
  // Pages whose address comes from the demo's data: found once, from the lists.
  const finder = await browser.newPage();
  const first = async (list: string, selector: string) => {
    await finder.goto(`${base}${list}`, { waitUntil: "networkidle" });
    return finder.locator(selector).first().getAttribute("href");
  };
  const pages = [
    "/app",
    "/app/brands",
    await first("/app/brands", 'a[href^="/app/brands/"]'),
    "/app/segments",
    "/app/themes",
    await first("/app/themes", 'a[href^="/app/themes/"]:not([href^="/app/themes/no-theme"])'),
    "/app/themes/no-theme",
    "/app/value",
    "/app/detractors",
    await first("/app/detractors", 'a[href^="/app/cases/"]'),
    "/app/alerts",
    "/app/history",
    "/app/data-requests",
    "/app/settings",
    "/app/settings/themes",
    "/app/settings/integrations",
    "/app/settings/advocacy",
    "/app/settings/branding",
    "/app/plan",
  ]
    .filter((u): u is string => typeof u === "string")
    .filter((u) => prefixes.length === 0 || prefixes.some((prefix) => u.startsWith(prefix)));
  if (pages.length === 0) throw new Error(`No admin page starts with ${prefixes.join(" or ")}`);
  // One unmeasured load of every page first: the database's caches and the server's first
  // work after generating the demo are behind it, as they are for merchants on a running app.
  for (const url of pages) await finder.goto(`${base}${url}`, { waitUntil: "networkidle" });
  await finder.close();

  console.log(`Web Vitals, p75 of ${runs} loads per page, CPU ${slowdown}× slower, demo of ${values.orders} orders`);
  console.log(`Bar: LCP ≤ ${BAR.lcp} ms, CLS ≤ ${BAR.cls}, INP ≤ ${BAR.inp} ms\n`);
  console.log(`${"page".padEnd(36)} ${"LCP ms".padStart(8)} ${"CLS".padStart(7)} ${"INP ms".padStart(8)}  meets`);
  let failing = 0;
  for (const url of pages) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(120_000);
      await page.addInitScript({ content: collector });
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: slowdown });
      samples.push(await measure(page, url));
      await context.close();
    }
    const lcp = p75(samples.map((s) => s.lcp ?? Number.NaN).filter(Number.isFinite));
    const cls = p75(samples.map((s) => s.cls ?? 0));
    const inps = samples.map((s) => s.inp).filter((v): v is number => Number.isFinite(v ?? Number.NaN));
    const inp = inps.length > 0 ? p75(inps) : Number.NaN;
    const meets = lcp <= BAR.lcp && cls <= BAR.cls && (Number.isNaN(inp) || inp <= BAR.inp);
    if (!meets) failing++;
    console.log(
      `${url.slice(0, 36).padEnd(36)} ${lcp.toFixed(0).padStart(8)} ${cls.toFixed(3).padStart(7)} ${(Number.isNaN(inp) ? "–" : inp.toFixed(0)).padStart(8)}  ${meets ? "yes" : "NO"}`,
    );
    if (inp > 0.75 * BAR.inp) {
      const slowest = samples.reduce((a, b) => ((b.inp ?? 0) > (a.inp ?? 0) ? b : a));
      console.log(`    slowest interaction, ${Math.round(slowest.inp ?? 0)} ms: ${slowest.inpWhy ?? "no attribution"}`);
    }
  }
  console.log(
    `\n${failing === 0 ? "Every page meets the bar." : `${failing} of ${pages.length} pages miss the bar.`} (INP –: no interaction was recorded on that page.)`,
  );
  await browser.close();
  if (failing > 0) exitCode = 1;
} finally {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
await exitAfterOutput(exitCode);
