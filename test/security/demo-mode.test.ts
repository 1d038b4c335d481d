import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_API_SECRET, DEMO_SHOP, parseEnv } from "../../app/env.server";
import { orderPayload } from "../orders";
import { childEnv, freePort, type Spawned, startScript } from "../process";
import { webhookRequest } from "../shopify";

// Demo mode serves an admin without any login. Left set in a real app's environment, it
// would open that app's admin to anyone who finds the address.

/** Whether anything accepts a TCP connection at host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** An address of this machine other than loopback, if it has one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

describe("DEMO_MODE outside npm run demo", () => {
  it("stops the app at start with a message, before it listens", async () => {
    const port = await freePort();
    const start = startScript(
      "server.ts",
      childEnv({
        NODE_ENV: "production",
        PORT: String(port),
        PGLITE_DATA_DIR: "memory://",
        DEMO_MODE: "1",
        SHOPIFY_API_KEY: "real-app-key",
        SHOPIFY_API_SECRET: "real-app-secret",
        SHOPIFY_APP_URL: "https://nps.example.com",
      }),
      /"msg":"listening"/,
    );
    await expect(start).rejects.toThrow(
      /exited with 1:[\s\S]*DEMO_MODE is set, but demo mode runs only through `npm run demo`/,
    );
    expect(await accepts("127.0.0.1", port)).toBe(false);
  });
});

describe("settings of the demo", () => {
  it("listens on loopback unless HOST says otherwise; the app on every interface", () => {
    expect(parseEnv({ DEMO_MODE: "1" }).HOST).toBe("127.0.0.1");
    expect(parseEnv({ DEMO_MODE: "1", HOST: "0.0.0.0" }).HOST).toBe("0.0.0.0");
    expect(parseEnv({}).HOST).toBe("0.0.0.0");
    expect(parseEnv({ HOST: "" }).HOST).toBe("0.0.0.0");
  });

  it("signs and verifies with SHOPIFY_API_SECRET when given, else the documented demo secret", () => {
    expect(parseEnv({ DEMO_MODE: "1", SHOPIFY_API_SECRET: "mine" }).SHOPIFY_API_SECRET).toBe("mine");
    expect(parseEnv({ DEMO_MODE: "1" }).SHOPIFY_API_SECRET).toBe(DEMO_API_SECRET);
  });
});

describe("npm run demo", () => {
  let demo: Spawned;
  let port: number;
  let dataRoot: string;

  beforeAll(async () => {
    dataRoot = mkdtempSync(path.join(tmpdir(), "nps-demo-mode-"));
    port = await freePort();
    demo = await startScript(
      "scripts/demo.ts",
      childEnv({
        PORT: String(port),
        PGLITE_DATA_DIR: path.join(dataRoot, "pglite"),
        OUTBOX_DIR: path.join(dataRoot, "outbox"),
        DEMO_ORDERS: "0",
        DEMO_CUSTOMERS: "1",
        SHOPIFY_API_SECRET: "my-own-secret",
      }),
      /"msg":"listening"/,
    );
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it("still starts, on 127.0.0.1 only", async () => {
    expect(await accepts("127.0.0.1", port)).toBe(true);
    if (lanAddress) expect(await accepts(lanAddress, port)).toBe(false);
  });

  it("accepts webhooks signed with SHOPIFY_API_SECRET, and only those", async () => {
    const base = `http://127.0.0.1:${port}`;
    const send = (secret: string) =>
      fetch(webhookRequest("orders/create", orderPayload(), { shop: DEMO_SHOP, secret, baseUrl: base }));
    expect((await send("my-own-secret")).status).toBe(200);
    expect((await send(DEMO_API_SECRET)).status).toBe(401);
  });
});
