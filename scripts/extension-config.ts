import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "smol-toml";

// UI extensions run in Shopify's pages and must know where the app is: they cannot read
// the environment. This writes the app's URL into extensions/shared/app-url.ts at build
// time: SHOPIFY_APP_URL when set (shopify app dev, deploys), else application_url from
// shopify.app.toml.
const toml = parse(readFileSync("shopify.app.toml", "utf8")) as { application_url?: string };
const url = (process.env.SHOPIFY_APP_URL ?? toml.application_url ?? "").replace(/\/$/, "");
if (!/^https?:\/\/[^/]+$/.test(url)) {
  console.error(
    `Cannot tell the extensions where the app is: "${url}" is not an origin such as https://nps.example.com`,
  );
  process.exit(1);
}
writeFileSync(
  "extensions/shared/app-url.ts",
  `// Written by scripts/extension-config.ts (npm run setup); not committed.\nexport const APP_URL = ${JSON.stringify(url)};\n`,
);
console.log(`Extensions will call ${url}`);
