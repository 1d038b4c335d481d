import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { DEMO_API_SECRET, DEMO_SHOP } from "../app/env.server";
import { DEMO_REFERRER_ID } from "../app/demo/seed.server";
import { startAppProxy } from "../test/app-proxy";
import { orderPayload } from "../test/orders";
import { childEnv, freePort, startScript } from "../test/process";
import { webhookRequest } from "../test/shopify";
import { waitFor } from "../test/wait";
import { capturePages, captureShareStep } from "./lib/screenshots";
import { exitAfterOutput } from "./lib/output";

// Screenshots of every admin page of the demo at desktop and phone width, and of the survey
// page's share step as a promoter sees it, into docs/screenshots (the README shows the
// overview), then of every admin page of a brand-new shop (new-*.png: empty states and the
// setup guide). Fails on any console error.
const outDir = path.resolve(process.argv[2] ?? "docs/screenshots");
const dataDir = mkdtempSync(path.join(tmpdir(), "nps-screenshots-"));
const port = await freePort();
const app = await startScript(
  "scripts/demo.ts",
  childEnv({
    PORT: String(port),
    PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
    OUTBOX_DIR: path.join(dataDir, "outbox"),
    // The survey email goes out at once, so that the share step can be answered and shown.
    SURVEY_PRE_DELAY: "PT0S",
  }),
  /NPS demo: http/,
  180_000,
);
let exitCode = 0;
try {
  const base = `http://127.0.0.1:${port}`;
  const admin = await capturePages(base, outDir);
  const share = await shareStep(base);
  const fresh = await newShop();
  const pages = [...admin.pages, ...share.pages, ...fresh.pages];
  const errors = [...admin.errors, ...share.errors, ...fresh.errors];
  for (const p of pages) console.log(`${p.width}px  ${p.url.padEnd(40)}  ${path.relative(process.cwd(), p.file)}`);
  if (errors.length > 0) {
    console.error(`\n${errors.length} console error(s):\n${errors.join("\n")}`);
    exitCode = 1;
  }
} finally {
  await app.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
await exitAfterOutput(exitCode);

/** The demo as a shop sees it right after install (DEMO_ORDERS=0), in its own database. */
async function newShop() {
  const freshDir = mkdtempSync(path.join(tmpdir(), "nps-screenshots-new-"));
  const freshPort = await freePort();
  const fresh = await startScript(
    "scripts/demo.ts",
    childEnv({
      PORT: String(freshPort),
      PGLITE_DATA_DIR: path.join(freshDir, "pglite"),
      OUTBOX_DIR: path.join(freshDir, "outbox"),
      DEMO_ORDERS: "0",
    }),
    /NPS demo: http/,
    180_000,
  );
  try {
    return await capturePages(`http://127.0.0.1:${freshPort}`, outDir, "new-");
  } finally {
    await fresh.stop();
    rmSync(freshDir, { recursive: true, force: true });
  }
}

/**
 * A new order of the demo customer who has a referral code, as Shopify sends it; its survey
 * email's link opened through a local App Proxy, and answered 10.
 */
async function shareStep(base: string) {
  const order = orderPayload((p) => {
    p.created_at = p.updated_at = p.processed_at = new Date().toISOString();
    p.customer.id = Number(DEMO_REFERRER_ID);
    p.customer.admin_graphql_api_id = `gid://shopify/Customer/${DEMO_REFERRER_ID}`;
    p.customer_locale = "en";
    p.email = p.customer.email = "ana.referrer@example.com";
    p.customer.first_name = "Ana";
    p.customer.last_name = "Sousa";
  });
  const res = await fetch(
    webhookRequest("orders/create", order, { shop: DEMO_SHOP, secret: DEMO_API_SECRET, baseUrl: base }),
  );
  if (res.status !== 200) throw new Error(`The demo refused the order webhook: ${res.status}`);
  const outbox = path.join(dataDir, "outbox");
  const link = await waitFor("the survey email in the outbox", () => {
    for (const file of readdirSync(outbox)) {
      const text = readFileSync(path.join(outbox, file), "utf8").replace(/=\r?\n/g, "");
      if (!text.includes("ana.referrer@example.com")) continue;
      const match = /https:\/\/[^\s"]+\/apps\/nps\/s\/([A-Za-z0-9_-]{32})/.exec(text);
      if (match) return match[1];
    }
    return null;
  });
  const proxy = await startAppProxy({ appUrl: base, shop: DEMO_SHOP, secret: DEMO_API_SECRET });
  try {
    return await captureShareStep(`${proxy.url}/apps/nps/s/${link}`, outDir);
  } finally {
    await proxy.close();
  }
}
