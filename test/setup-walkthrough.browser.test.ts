import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_API_SECRET } from "../app/env.server";
import { writeHistoryJsonl } from "../scripts/bench/history-jsonl";
import { type AdminServer, startAdminServer } from "./admin-schema";
import { startAppProxy } from "./app-proxy";
import { hasChromium, launchChromium, watchedPage } from "./browser";
import { orderPayload } from "./orders";
import { childEnv, freePort, type Spawned, startScript } from "./process";
import { examplePayload, sessionToken, webhookRequest } from "./shopify";
import { waitFor } from "./wait";

const SHOP = "nps-demo.myshopify.com";
const skip = !hasChromium && !process.env.CI;

/**
 * A brand-new shop (the demo with DEMO_ORDERS=0) taken through every step of the setup guide
 * the way it happens for a merchant: the Overview in Chromium, the storefront embed and the
 * checkout blocks calling the app as Shopify would, the settings saved and the test survey
 * sent, received and answered by clicking, the order history imported through Shopify's Bulk
 * Operation: the demo's Admin API is the fake one (checked against Shopify's schema), over HTTP.
 */
describe.skipIf(skip)("the setup guide, walked through in Chromium on a brand-new shop", () => {
  let app: Spawned;
  let base: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  let admin: AdminServer;
  const OPERATION = "gid://shopify/BulkOperation/147595010";
  // What Shopify says of the export: running until the test lets it finish.
  let exported: { status: string; objectCount: string; url: string | null } = {
    status: "RUNNING",
    objectCount: "0",
    url: null,
  };

  beforeAll(async () => {
    admin = await startAdminServer((call) => {
      if (call.query.includes("bulkOperationRunQuery"))
        return { bulkOperationRunQuery: { bulkOperation: { id: OPERATION, status: "CREATED" }, userErrors: [] } };
      if (call.query.includes("OrderHistoryExportStatus") && call.variables?.id === OPERATION)
        return { node: { id: OPERATION, errorCode: null, partialDataUrl: null, ...exported } };
      return undefined;
    });
    root = mkdtempSync(path.join(tmpdir(), "nps-setup-"));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = childEnv({
      PORT: String(port),
      PGLITE_DATA_DIR: path.join(root, "pglite"),
      OUTBOX_DIR: path.join(root, "outbox"),
      DEMO_ORDERS: "0",
      DEMO_ADMIN_API_URL: admin.url,
    });
    app = await startScript("scripts/demo.ts", env, /NPS demo: http/, 180_000);
  }, 240_000);

  afterAll(async () => {
    await app?.stop();
    await admin?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("ticks each step when the app sees it done, until all five are", async () => {
    const browser = await launchChromium();
    try {
      const { page, errors } = await watchedPage(browser);
      const progress = async () => {
        await page.goto(`${base}/app`, { waitUntil: "networkidle" });
        return page.getByText(/\d of 5 tasks complete/).innerText();
      };
      expect(await progress()).toBe("0 of 5 tasks complete");
      expect(await page.getByText("No answers yet").count()).toBe(1);

      // 2. The storefront embed loads (in the theme editor: no signed-in customer).
      const proxy = await startAppProxy({ appUrl: base, shop: SHOP, secret: DEMO_API_SECRET });
      try {
        expect((await fetch(`${proxy.url}/apps/nps/api/pending`)).status).toBe(200);
        expect(await progress()).toBe("1 of 5 tasks complete");

        // 3. An order, then its thank-you and order status pages render the blocks.
        const order = orderPayload((p) => {
          p.created_at = p.updated_at = p.processed_at = new Date().toISOString();
          p.customer.id = 4242;
        });
        const placed = await fetch(
          webhookRequest("orders/create", order, { shop: SHOP, secret: DEMO_API_SECRET, baseUrl: base }),
        );
        expect(placed.status).toBe(200);
        const token = sessionToken(SHOP, { sub: "gid://shopify/Customer/4242", secret: DEMO_API_SECRET });
        for (const surface of ["checkout", "customer-account"]) {
          const res = await fetch(`${base}/api/${surface}/survey?orderId=${order.admin_graphql_api_id}`, {
            headers: {
              authorization: `Bearer ${token}`,
              origin: "https://extensions.shopifycdn.com",
              // Shopify's library turns away requests that look like bots; the extension runs in a browser.
              "user-agent":
                "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            },
          });
          expect(res.status, surface).toBe(200);
        }
        expect(await progress()).toBe("2 of 5 tasks complete");

        // 4. The merchant reviews the survey settings and saves them.
        await page.getByRole("button", { name: /Review survey texts and delays/ }).click();
        await page.getByRole("link", { name: "Open survey settings" }).click();
        await page.waitForURL(/\/app\/settings$/);
        await page.getByRole("button", { name: "Save", exact: true }).first().click();
        await page.getByText("Settings saved").waitFor();
        expect(await progress()).toBe("3 of 5 tasks complete");

        // 5. A test survey to the shop's own address, answered from the email by clicking.
        await page.getByRole("button", { name: /Send yourself a test survey/ }).click();
        await page.getByRole("button", { name: "Send a test survey" }).click();
        await page.getByText("Test survey sent to owner@nps-demo.example").waitFor();
        const outbox = path.join(root, "outbox");
        const link = await waitFor("the test survey in the outbox", () => {
          for (const file of readdirSync(outbox)) {
            const text = readFileSync(path.join(outbox, file), "utf8").replace(/=\r?\n/g, "");
            // The only email of this shop: its orders' invitations are not due for an hour.
            const match = /https:\/\/[^\s"]+\/apps\/nps\/s\/([A-Za-z0-9_-]{32})/.exec(text);
            if (match) return match[1];
          }
          return null;
        });
        const shopper = await browser.newPage();
        await shopper.goto(`${proxy.url}/apps/nps/s/${link}?score=8`, { waitUntil: "networkidle" });
        expect(await shopper.locator('input[name="score"][value="8"]').isChecked()).toBe(true);
        await shopper.locator("textarea").fill("Quick and clear");
        await shopper.getByRole("button", { name: "Send" }).click();
        await shopper.getByRole("status").first().waitFor();
        await shopper.close();
        expect(await progress()).toBe("4 of 5 tasks complete");
        await page.getByRole("button", { name: /Send yourself a test survey/ }).click();
        await page.getByText(/You answered 8 on .*: “Quick and clear”/).waitFor();
      } finally {
        await proxy.close();
      }

      // 1. The order history: the merchant starts Shopify's export from the guide, Shopify
      // announces its end with bulk_operations/finish, the app downloads the file and imports it.
      const historyStep = page.getByRole("button", { name: /Import your order history/ });
      const openHistoryStep = async () => {
        if ((await historyStep.getAttribute("aria-expanded")) !== "true") await historyStep.click();
      };
      await page.goto(`${base}/app`, { waitUntil: "networkidle" });
      await openHistoryStep();
      await page.getByRole("link", { name: "See the order history import" }).click();
      await page.getByRole("button", { name: "Import order history" }).click();
      await page.getByText("Shopify is preparing your order history").waitFor();
      expect(await progress()).toBe("4 of 5 tasks complete");
      const jsonl = path.join(root, "orders.jsonl");
      await writeHistoryJsonl(jsonl, 60);
      admin.serve("orders.jsonl", readFileSync(jsonl, "utf8"));
      exported = { status: "COMPLETED", objectCount: "60", url: admin.fileUrl("orders.jsonl") };
      const finished = await fetch(
        webhookRequest("bulk_operations/finish", examplePayload("bulk_operations/finish"), {
          shop: SHOP,
          secret: DEMO_API_SECRET,
          baseUrl: base,
        }),
      );
      expect(finished.status).toBe(200);
      await waitFor("the import to complete", async () => (await progress()) === "5 of 5 tasks complete");
      await openHistoryStep();
      await page.getByText(/Imported \d+ orders/).waitFor();
      expect(admin.refused).toEqual([]);
      expect(admin.calls.map((c) => /(query|mutation) (\w+)/.exec(c.query)?.[2])).toEqual(
        expect.arrayContaining(["StartOrderHistoryExport", "OrderHistoryExportStatus"]),
      );

      // The test answer is the guide's, not the shop's: the dashboards still have no answer.
      expect(await page.getByText("No answers yet").count()).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 300_000);
});
