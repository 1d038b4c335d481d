import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { WEBHOOK_BODY_LIMIT } from "../../app/lib/http";
import { pathForLog } from "../../app/lib/log-path";
import { orderPayload } from "../orders";
import { childEnv, freePort, type Spawned, startScript } from "../process";
import { EXAMPLES_API_VERSION, TEST_SECRET, uniqueShop, webhookRequest } from "../shopify";

// The app as it runs (server.ts, production build) in a child process, so that its memory and
// its log lines are its own. Bodies that arrive before anything can authenticate them must not
// be able to fill that memory.

const MIB = 1024 * 1024;
const ATTACK_BYTES = 64 * MIB;

let app: Spawned;
let base: string;
let dataRoot: string;
const databaseUrl = inject("databaseUrl");

beforeAll(async () => {
  dataRoot = mkdtempSync(path.join(tmpdir(), "nps-bodies-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  app = await startScript(
    "server.ts",
    childEnv({
      NODE_ENV: "production",
      PORT: String(port),
      HOST: "127.0.0.1",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { PGLITE_DATA_DIR: path.join(dataRoot, "pglite") }),
      SHOPIFY_API_KEY: "test-api-key",
      SHOPIFY_API_SECRET: TEST_SECRET,
      SHOPIFY_APP_URL: base,
    }),
    /"msg":"listening"/,
  );
}, 120_000);

afterAll(async () => {
  await app?.stop();
  rmSync(dataRoot, { recursive: true, force: true });
});

/** The app's own Node process: tsx runs the script in a child of the process it was started as. */
function serverPid(): number {
  const launcher = app.child.pid!;
  const children = readFileSync(`/proc/${launcher}/task/${launcher}/children`, "utf8").trim().split(/\s+/);
  const pid = children.find((c) => readFileSync(`/proc/${c}/cmdline`, "utf8").includes("server.ts"));
  if (!pid) throw new Error(`no server process under ${launcher}`);
  return Number(pid);
}

const rssBytes = (pid: number) =>
  Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;

interface Streamed {
  status: number;
  body: string;
  /** Bytes the client had written when the answer came. */
  sent: number;
}

/**
 * POSTs `total` bytes in 64 KiB chunks as fast as the server takes them (chunked unless a
 * Content-Length is given), and stops writing as soon as the server answers.
 */
function streamBody(pathname: string, headers: Record<string, string>, total: number): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let answered = false;
    const req = http.request(`${base}${pathname}`, { method: "POST", headers }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () => {
        resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString("utf8"), sent });
        req.destroy();
      });
    });
    // Once the answer is in, the server closing the connection on the rest is expected.
    req.on("error", (error) =>
      answered ? undefined : reject(new Error(`${error.message} after ${sent} bytes sent`, { cause: error })),
    );
    const write = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", write);
      }
      if (!answered) req.end();
    };
    write();
  });
}

/** A webhook's headers with a made-up signature. */
function forgedHeaders(shop: string): Record<string, string> {
  return {
    "content-type": "application/json",
    "x-shopify-topic": "orders/create",
    "x-shopify-shop-domain": shop,
    "x-shopify-api-version": EXAMPLES_API_VERSION,
    "x-shopify-webhook-id": randomUUID(),
    "x-shopify-hmac-sha256": Buffer.from("forged-forged-forged-forged-forg").toString("base64"),
  };
}

const genuineShop = uniqueShop("genuine");
const attackShop = uniqueShop("attack");

describe("bodies past their cap, before authentication", () => {
  it("accepts a genuine signed webhook (the server records what it should)", async () => {
    const res = await fetch(webhookRequest("orders/create", orderPayload(), { shop: genuineShop, baseUrl: base }));
    expect(res.status).toBe(200);
  });

  it("refuses a 64 MiB webhook with a forged HMAC with 413 while it streams, its memory flat", async () => {
    const pid = serverPid();
    // Warm the path once, so the measure is of the body and not of code loaded the first time.
    expect((await streamBody("/webhooks/orders/create", forgedHeaders(attackShop), 1024)).status).toBe(401);
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), 10);
    let result: Streamed;
    try {
      result = await streamBody("/webhooks/orders/create", forgedHeaders(attackShop), ATTACK_BYTES);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssBytes(pid));
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body)).toEqual({
      error: `The request body is larger than ${WEBHOOK_BODY_LIMIT / MIB} MiB, the most this address accepts.`,
    });
    // Refused once the cap was passed, not after the whole body.
    expect(result.sent).toBeLessThan(ATTACK_BYTES);
    // The cap (10 MiB) may be held for a moment; the 64 MiB never are.
    expect(peak - before).toBeLessThan(24 * MIB);
  });

  it("refuses a declared 64 MiB Content-Length before reading the body", async () => {
    const headers = { ...forgedHeaders(attackShop), "content-length": String(ATTACK_BYTES) };
    const result = await streamBody("/webhooks/orders/create", headers, ATTACK_BYTES);
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(16 * MIB);
  });

  it("refuses a login form past 16 KiB with 413", async () => {
    const headers = { "content-type": "application/x-www-form-urlencoded" };
    const result = await streamBody("/auth/login", headers, 4 * MIB);
    expect(result.status).toBe(413);
    expect(JSON.parse(result.body).error).toMatch(/larger than 16 KiB/);
  });

  it("refuses a shopper's answer past 64 KiB with 413", async () => {
    const result = await streamBody("/proxy/api/survey", { "content-type": "application/json" }, MIB);
    expect(result.status).toBe(413);
  });
});

describe("request logs", () => {
  it("mask survey tokens in paths, whatever their case", async () => {
    const token = `Tk${randomUUID().replace(/-/g, "").slice(0, 30)}`;
    const paths = [`/proxy/s/${token}`, `/proxy/unsubscribe/${token}`, `/PROXY/S/${token}`];
    for (const p of paths) expect((await fetch(`${base}${p}?score=3`)).status).toBe(401);
    // The line is written when the answer has gone: wait for all three.
    const lines = () =>
      app
        .output()
        .split("\n")
        .filter((l) => l.includes(`"path":"`) && l.includes("Tk"));
    for (let i = 0; i < 200 && lines().length < 3; i++) await new Promise((r) => setTimeout(r, 25));
    expect(lines()).toHaveLength(3);
    expect(app.output()).not.toContain(token.slice(4));
    const logged = lines().map((l) => (JSON.parse(l) as { path: string }).path);
    expect(logged).toEqual(paths.map(pathForLog));
    expect(logged[0]).toBe(`/proxy/s/${token.slice(0, 4)}…`);
  });
});

describe("after the attacks", () => {
  it("has stored nothing for the forged shop, and the genuine delivery", async () => {
    await app.stop();
    const count = async (shop: string) => {
      if (databaseUrl) {
        const { default: prisma } = await import("../../app/db.server");
        return prisma.webhookDelivery.count({ where: { shop } });
      }
      const db = new PGlite(path.join(dataRoot, "pglite"));
      try {
        const { rows } = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM webhook_deliveries WHERE shop = $1",
          [shop],
        );
        return rows[0]!.n;
      } finally {
        await db.close();
      }
    };
    expect(await count(attackShop)).toBe(0);
    expect(await count(genuineShop)).toBe(1);
  });
});
