import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { childEnv, freePort, startScript } from "../test/process";
import { capturePages } from "./lib/screenshots";
import { exitAfterOutput } from "./lib/output";

// Screenshots of every admin page of the demo at desktop and phone width, into
// docs/screenshots (the README shows the overview). Fails on any console error.
const outDir = path.resolve(process.argv[2] ?? "docs/screenshots");
const dataDir = mkdtempSync(path.join(tmpdir(), "nps-screenshots-"));
const port = await freePort();
const app = await startScript(
  "scripts/demo.ts",
  childEnv({
    PORT: String(port),
    PGLITE_DATA_DIR: path.join(dataDir, "pglite"),
    OUTBOX_DIR: path.join(dataDir, "outbox"),
  }),
  /NPS demo: http/,
  180_000,
);
let exitCode = 0;
try {
  const { pages, errors } = await capturePages(`http://127.0.0.1:${port}`, outDir);
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
