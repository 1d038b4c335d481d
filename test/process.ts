import { type ChildProcess, spawn, type SpawnOptions, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
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
  timeoutMs = 180_000,
): Promise<Spawned> {
  const child = spawn(TSX, [script], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      // A graceful stop on a busy machine may be slow; one that hangs must not hang the suite.
      const kill = setTimeout(() => child.kill("SIGKILL"), 30_000);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill("SIGTERM");
    });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} did not start in ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
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

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns a child and collects its output without blocking the test worker (spawnSync would). */
function collect(command: string, args: string[], options: SpawnOptions, stdoutFile?: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, options);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (d: Buffer) => out.push(d));
    child.stderr?.on("data", (d: Buffer) => err.push(d));
    child.once("error", reject);
    child.once("close", (status) =>
      resolve({
        status,
        stdout: stdoutFile ? readFileSync(stdoutFile, "utf8") : Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      }),
    );
  });
}

/** Runs the operator CLI to completion (without blocking the test worker, which must keep answering Vitest). */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return collect(TSX, ["scripts/cli.ts", ...args], { cwd: ROOT, env });
}

/** Runs `npm run themes` with the given lines on its standard input, as `printf … | npm run themes` would. */
export function runThemes(args: string[], env: NodeJS.ProcessEnv, input: string): Promise<CliRun> {
  const script = `set -o pipefail; printf '%s' "$1" | "$0" scripts/themes.ts "\${@:2}"`;
  return collect("bash", ["-c", script, TSX, input, ...args], { cwd: ROOT, env });
}

/**
 * Runs the operator CLI with its stdout in a real OS pipe (bash's `|`, not the socket pair
 * Node gives a child) into a reader that waits before it reads: whatever does not fit in
 * the pipe's buffer (64 KiB on Linux) is still in the CLI when it wants to exit.
 */
export function runCliIntoSlowPipe(args: string[], env: NodeJS.ProcessEnv, readerDelaySeconds = 1): Promise<CliRun> {
  const script = `set -o pipefail; "$0" scripts/cli.ts "$@" | (sleep ${readerDelaySeconds}; cat)`;
  return collect("bash", ["-c", script, TSX, ...args], { cwd: ROOT, env });
}

/** Runs the operator CLI with its stdout written to a file, and gives back what the file holds. */
export async function runCliIntoFile(args: string[], env: NodeJS.ProcessEnv, file: string): Promise<CliRun> {
  const fd = openSync(file, "w");
  try {
    return await collect(TSX, ["scripts/cli.ts", ...args], { cwd: ROOT, env, stdio: ["ignore", fd, "pipe"] }, file);
  } finally {
    closeSync(fd);
  }
}
