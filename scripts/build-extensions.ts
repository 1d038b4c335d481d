import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { exitAfterOutput } from "./lib/output";

// Bundles each UI extension as Shopify CLI does (esbuild, Preact JSX, ESM) and checks it
// against Shopify's 64 KB limit for UI extensions, printing each bundle's size.
const LIMIT = 64 * 1024;
const extensions = [
  { name: "nps-thank-you", entry: "extensions/nps-thank-you/src/ThankYou.tsx" },
  { name: "nps-order-status", entry: "extensions/nps-order-status/src/OrderStatus.tsx" },
];

let failed = false;
for (const ext of extensions) {
  const result = await build({
    entryPoints: [ext.entry],
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2020",
    jsx: "automatic",
    jsxImportSource: "preact",
    write: false,
    outfile: `extensions/${ext.name}/dist/${ext.name}.js`,
    logLevel: "warning",
  });
  const code = result.outputFiles[0]!.contents;
  const gzipped = gzipSync(code).length;
  console.log(`${ext.name}: ${(code.length / 1024).toFixed(1)} KB (${(gzipped / 1024).toFixed(1)} KB gzipped)`);
  if (code.length > LIMIT) {
    console.error(`${ext.name} is over Shopify's 64 KB limit for UI extensions.`);
    failed = true;
  }
}
await exitAfterOutput(failed ? 1 : 0);
