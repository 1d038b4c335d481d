import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_API_SECRET } from "../app/env.server";
import { startAppProxy } from "./app-proxy";
import { hasChromium, launchChromium, CHROMIUM } from "./browser";
import { orderPayload } from "./orders";
import { childEnv, freePort, runCli, type Spawned, startScript } from "./process";
import { webhookRequest } from "./shopify";
import { type SmtpSink, startSmtpSink } from "./smtp";
import { waitFor } from "./wait";

const SHOP = "nps-demo.myshopify.com";

// Locally the browser test waits for Chromium to be installed; in CI (which installs it) it never skips.
const skip = !hasChromium && !process.env.CI;
if (skip) console.warn(`Skipping browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium).`);

describe.skipIf(skip)("the emailed survey in a real browser, keyboard only", () => {
  let demo: Spawned;
  let proxy: Awaited<ReturnType<typeof startAppProxy>>;
  let smtp: SmtpSink;
  let browser: Browser;
  let dataRoot: string;
  let env: NodeJS.ProcessEnv;
  let base: string;

  beforeAll(async () => {
    smtp = await startSmtpSink();
    dataRoot = mkdtempSync(path.join(tmpdir(), "nps-browser-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = childEnv({
      PORT: String(port),
      PGLITE_DATA_DIR: path.join(dataRoot, "pglite"),
      DEMO_ORDERS: "100",
      DEMO_CUSTOMERS: "40",
      SURVEY_PRE_DELAY: "PT0S",
      SMTP_URL: smtp.url,
    });
    demo = await startScript("scripts/demo.ts", env, /"msg":"listening"/);
    proxy = await startAppProxy({ appUrl: base, shop: SHOP, secret: DEMO_API_SECRET });
    browser = await launchChromium();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await proxy?.close();
    await demo?.stop();
    await smtp?.close();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it("opens the email's link, changes the score with the arrow keys, writes a comment and sends it", async () => {
    const order = orderPayload((p) => {
      p.created_at = p.updated_at = p.processed_at = new Date().toISOString();
      p.email = "browser-shopper@example.com";
    });
    const res = await fetch(
      webhookRequest("orders/create", order, { shop: SHOP, secret: DEMO_API_SECRET, baseUrl: base }),
    );
    expect(res.status).toBe(200);
    const mail = await waitFor("the invitation email", () =>
      smtp.messages.find((m) => JSON.stringify(m.to).includes("browser-shopper@example.com")),
    );
    const link = new URL(/https:\/\/\S+\?score=8/.exec(String(mail.text))![0]);

    const page = await browser.newPage({ viewport: { width: 320, height: 640 } });
    // A busy machine may take longer than Playwright's default 30 s.
    page.setDefaultTimeout(60_000);
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    await page.goto(`${proxy.url}${link.pathname}${link.search}`);
    await expect
      .poll(() => page.locator('input[name="score"]:checked').getAttribute("value"), { timeout: 60_000 })
      .toBe("8");
    expect(await page.locator("#nps-question").textContent()).toBe("What could we do to improve your experience?");

    // Keyboard only: focus the checked radio, move down to 6, then the comment, then Send.
    await page.keyboard.press("Tab");
    for (
      let i = 0;
      i < 10 && !(await page.evaluate(() => document.activeElement?.getAttribute("name") === "score"));
      i++
    ) {
      await page.keyboard.press("Tab");
    }
    await page.keyboard.press("ArrowLeft");
    await page.keyboard.press("ArrowLeft");
    expect(await page.locator('input[name="score"]:checked').getAttribute("value")).toBe("6");
    expect(await page.locator("#nps-question").textContent()).toBe(
      "What disappointed you most, and how can we put it right?",
    );
    await page.keyboard.press("Tab");
    await page.keyboard.type("Box arrived <crushed> & late");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Send");
    await page.keyboard.press("Enter");
    await page.waitForSelector('[role="status"]');
    expect(await page.locator('[role="status"]').textContent()).toContain("Thank you, we read every comment.");
    await page.screenshot({ path: path.join(dataRoot, "survey.png") });
    expect(errors).toEqual([]);

    const stats = JSON.parse((await runCli(["stats", "--shop", SHOP], env)).stdout) as {
      responses: { pre: { detractor: number } };
    };
    expect(stats.responses.pre.detractor).toBeGreaterThan(0);
    const page2 = await (await fetch(`${proxy.url}${link.pathname}`)).text();
    expect(page2).toContain("Box arrived &lt;crushed&gt; &amp; late");
    expect(page2).toContain('value="6" checked');
  }, 180_000);
});
