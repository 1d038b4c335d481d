import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { API_VERSION } from "../app/api-version";
import { DEMO_API_SECRET, DEMO_SHOP } from "../app/env.server";
import { webhookHeaders } from "../app/lib/shopify-signing";
import { exitAfterOutput } from "./lib/output";

// Sends a JSON file to a running app as Shopify would send a webhook, signed with
// SHOPIFY_API_SECRET (the demo's secret when unset). Prints the status and the answer.
const USAGE = `Usage: npm run send-webhook -- --topic <topic> --file <payload.json>
       [--shop ${DEMO_SHOP}] [--url http://localhost:3000] [--webhook-id <id>]`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      topic: { type: "string" },
      file: { type: "string" },
      shop: { type: "string", default: DEMO_SHOP },
      url: { type: "string", default: `http://localhost:${process.env.PORT ?? 3000}` },
      "webhook-id": { type: "string" },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!values.topic || !/^[a-z_]+\/[a-z_]+$/.test(values.topic) || !values.file) {
  console.error(USAGE);
  process.exit(2);
}
let body: string;
try {
  body = readFileSync(values.file, "utf8");
} catch (error) {
  console.error(`Cannot read ${values.file}: ${(error as Error).message}`);
  process.exit(2);
}
const response = await fetch(`${values.url}/webhooks/${values.topic}`, {
  method: "POST",
  headers: webhookHeaders({
    topic: values.topic,
    shop: values.shop,
    body,
    secret: process.env.SHOPIFY_API_SECRET ?? DEMO_API_SECRET,
    apiVersion: API_VERSION,
    webhookId: values["webhook-id"],
  }),
  body,
});
console.log(response.status, await response.text());
await exitAfterOutput(response.ok ? 0 : 1);
