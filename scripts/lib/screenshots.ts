import { mkdirSync } from "node:fs";
import path from "node:path";
import { launchChromium } from "./chromium";

export const SCREENSHOT_WIDTHS = [1280, 390] as const;

export interface CapturedPage {
  name: string;
  url: string;
  width: number;
  file: string;
}

export interface Capture {
  pages: CapturedPage[];
  /** Console errors and uncaught exceptions, with the page they came from. */
  errors: string[];
}

/**
 * Opens every admin page of the demo in headless Chromium at each width, waits until it has
 * drawn its charts, and saves a full-page screenshot; collects every console error.
 */
export async function capturePages(baseUrl: string, outDir: string, prefix = ""): Promise<Capture> {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  const pages: CapturedPage[] = [];
  const errors: string[] = [];
  try {
    for (const width of SCREENSHOT_WIDTHS) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      // A busy machine may take longer than Playwright's default 30 s to settle a page.
      page.setDefaultTimeout(60_000);
      let current = "";
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(`${current} (${width}px): ${message.text()}`);
      });
      page.on("pageerror", (error) => errors.push(`${current} (${width}px): ${error.message}`));
      const shoot = async (name: string, url: string) => {
        current = url;
        await page.goto(`${baseUrl}${url}`, { waitUntil: "networkidle" });
        // Charts draw when they come near the screen, once the browser is idle: scroll past
        // them all, then give them their first frame.
        await page.evaluate(async () => {
          for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight) {
            window.scrollTo(0, y);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
          window.scrollTo(0, 0);
        });
        await page.waitForTimeout(500);
        const file = path.join(outDir, `${prefix}${name}-${width}.png`);
        // Infinite animations (a loading skeleton's shimmer) stopped: capturing a moving page
        // can wait long for a still frame on a busy machine.
        await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
        pages.push({ name, url, width, file });
      };
      // A list's first link, where the list has one (a brand-new shop has none).
      const firstHref = async (selector: string) => {
        const link = page.locator(selector).first();
        return (await link.count()) > 0 ? link.getAttribute("href") : null;
      };
      await shoot("overview", "/app");
      await shoot("brands", "/app/brands");
      const first = await firstHref('a[href^="/app/brands/"]');
      if (first) await shoot("brand", first);
      await shoot("segments", "/app/segments");
      await shoot("themes", "/app/themes");
      const firstTheme = await firstHref('a[href^="/app/themes/"]:not([href^="/app/themes/no-theme"])');
      if (firstTheme) await shoot("theme", firstTheme);
      await shoot("no-theme", "/app/themes/no-theme");
      await shoot("value", "/app/value");
      await shoot("detractors", "/app/detractors");
      const firstCase = await firstHref('a[href^="/app/cases/"]');
      if (firstCase) await shoot("case", firstCase);
      await shoot("alerts", "/app/alerts");
      await shoot("history", "/app/history");
      await shoot("data-requests", "/app/data-requests");
      await shoot("settings", "/app/settings");
      await shoot("settings-themes", "/app/settings/themes");
      await shoot("settings-integrations", "/app/settings/integrations");
      await shoot("settings-advocacy", "/app/settings/advocacy");
      await shoot("settings-branding", "/app/settings/branding");
      await shoot("plan", "/app/plan");
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { pages, errors };
}

/**
 * The survey page as a promoter sees it after answering 10, with the share step, at each
 * width: `surveyUrl` is an emailed link opened through the shop's App Proxy.
 */
export async function captureShareStep(surveyUrl: string, outDir: string): Promise<Capture> {
  mkdirSync(outDir, { recursive: true });
  const browser = await launchChromium();
  const pages: CapturedPage[] = [];
  const errors: string[] = [];
  try {
    for (const width of [390, 1280] as const) {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      page.on("console", (m) => m.type() === "error" && errors.push(`share step (${width}px): ${m.text()}`));
      page.on("pageerror", (error) => errors.push(`share step (${width}px): ${error.message}`));
      await page.goto(`${surveyUrl}?score=10`, { waitUntil: "networkidle" });
      // The first width answers (the shopper's Send); the second comes back to the answer.
      if ((await page.locator(".share").count()) === 0) {
        await page.getByRole("button", { name: "Send" }).click();
      }
      await page.locator(".share").waitFor();
      const file = path.join(outDir, `share-step-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      pages.push({ name: "share-step", url: surveyUrl, width, file });
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { pages, errors };
}
