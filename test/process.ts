import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
const TSX = path.join(ROOT, "node_modules/.bin/tsx");

/** Environment for a child process: the test runner's own settings removed. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  const inherited = ["NODE_ENV", "DATABASE_URL", "PGLITE_DATA_DIR", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"];
  for (const key of [...inherited, "SHOPIFY_APP_URL", "SCOPES", "VITEST", "VITEST_POOL_ID", "VITEST_WORKER_ID"]) {
    delete base[key];
  }
  return { ...base, LOG_LEVEL: "info", ...extra };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export function buildApp(): void {
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/remix"), ["vite:build"], {
    cwd: ROOT,
    env: childEnv({}),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`build failed:\n${result.stdout}\n${result.stderr}`);
}

export interface Spawned {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Starts a script of the project with tsx and waits until `ready` appears in its output. */
export async function startScript(
  script: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 90_000,
): Promise<Spawned> {
  const child = spawn(TSX, [script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in time:\n${output}`)), timeoutMs);
    const check = () => {
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on("data", check);
    child.stderr!.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  return { child, output: () => output, stop };
}

/** Runs the operator CLI to completion. */
export function runCli(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(TSX, ["scripts/cli.ts", ...args], { cwd: ROOT, env, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
