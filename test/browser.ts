import type { Browser, BrowserContextOptions, Page } from "playwright-core";

export { CHROMIUM, hasChromium, launchChromium } from "../scripts/lib/chromium";

/**
 * A new page that records its uncaught errors and console errors, for a test to expect none;
 * actions wait up to a minute, long enough for a busy 2-core machine.
 */
export async function watchedPage(
  browser: Browser,
  options?: BrowserContextOptions,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage(options);
  page.setDefaultTimeout(60_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => (m.type() === "error" ? errors.push(m.text()) : undefined));
  return { page, errors };
}
