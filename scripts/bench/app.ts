import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import path from "node:path";

const TSX = path.resolve("node_modules/.bin/tsx");
const SECRET = "bench-secret";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The production app in its own process, on a fresh embedded database or the PostgreSQL given. */
export async function startApp(options: {
  dataRoot: string;
  databaseUrl?: string;
  profileDir?: string;
  /** PostgreSQL only: this many `npm run worker` processes do the background work, the app process none. */
  workers?: number;
}) {
  const build = spawnSync(path.resolve("node_modules/.bin/remix"), ["vite:build"], { encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build failed: ${build.stderr}`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(port),
    LOG_LEVEL: "warn",
    // Production refuses to start without a key; the bench's database is thrown away.
    APP_ENCRYPTION_KEY: process.env.APP_ENCRYPTION_KEY ?? randomBytes(32).toString("base64"),
    SHOPIFY_API_KEY: "bench-key",
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_APP_URL: `http://127.0.0.1:${port}`,
    PGLITE_DATA_DIR: path.join(options.dataRoot, "pglite"),
    OUTBOX_DIR: path.join(options.dataRoot, "outbox"),
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  if (options.workers) env.BACKGROUND_WORK = "workers";
  // --profile: the app runs under V8's sampling profiler and writes a .cpuprofile when it stops
  // (open it in Chrome's DevTools); Node refuses --cpu-prof in NODE_OPTIONS, so node runs tsx.
  const child = options.profileDir
    ? spawn(
        path.resolve("node_modules/.bin/node"),
        ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`, "--import", "tsx", "server.ts"],
        { env, stdio: ["ignore", "inherit", "inherit"] },
      )
    : spawn(TSX, ["server.ts"], { env, stdio: ["ignore", "inherit", "inherit"] });
  const workers = Array.from({ length: options.workers ?? 0 }, () =>
    spawn(TSX, ["scripts/worker.ts"], { env, stdio: ["ignore", "inherit", "inherit"] }),
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300 || child.exitCode !== null) throw new Error("the app did not start");
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    secret: SECRET,
    database: options.databaseUrl ? "PostgreSQL" : "PGlite",
    stats: async (shop: string) => {
      const result = spawnSync(TSX, ["scripts/cli.ts", "stats", "--shop", shop], { env, encoding: "utf8" });
      if (result.status !== 0) throw new Error(result.stderr);
      return JSON.parse(result.stdout) as { orders: number; invitations: Record<string, number> };
    },
    stop: () =>
      Promise.all(
        [child, ...workers].map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null) return resolve();
              p.once("exit", () => resolve());
              p.kill("SIGTERM");
            }),
        ),
      ).then(() => undefined),
  };
}
