import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import prisma from "../../app/db.server";
import {
  addressRefusal,
  guardedLookup,
  OutboundRefusedError,
  postJson,
  urlRefusal,
} from "../../app/integrations/outbound.server";
import { decryptSecret, encryptSecret } from "../../app/lib/secrets.server";
import {
  createAlertRule,
  encryptStoredSecrets,
  listAlertRules,
  slackUrlRefusal,
} from "../../app/models/alert-rules.server";
import { recordAnswer } from "../../app/models/answers.server";
import { type ActionDeps, runDueActions } from "../../app/models/answer-actions.server";
import { action as alertsAction } from "../../app/routes/app.alerts";
import { action as ordersCreate } from "../../app/routes/webhooks.orders.create";
import { orderPayload } from "../orders";
import { childEnv, freePort, startScript } from "../process";
import { APP_URL, callAction, installShop, sessionToken, uniqueShop, webhookRequest } from "../shopify";

const strict = { allowLoopback: false };
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A local HTTP endpoint that records what reaches it. */
async function endpoint(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    req.on("end", () => answer(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, hits };
}

describe("URLs a merchant types reach only public addresses", () => {
  it("refuses private, loopback, link-local, unique-local, CGNAT, unspecified and mapped addresses", () => {
    const refused = [
      "10.0.0.1",
      "172.16.4.2",
      "192.168.1.1",
      "127.0.0.1",
      "127.8.8.8",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "224.0.0.1",
      "::1",
      "::",
      "fe80::1",
      "fc00::1",
      "::ffff:10.0.0.1",
      "::ffff:127.0.0.1",
      "::7f00:1",
      "::a00:1",
    ];
    for (const address of refused) expect(addressRefusal(address, strict), address).not.toBeNull();
    for (const address of ["8.8.8.8", "151.101.1.69", "2606:4700::1111"]) {
      expect(addressRefusal(address, strict), address).toBeNull();
    }
    // The development setting opens loopback, and only loopback.
    expect(addressRefusal("127.0.0.1", { allowLoopback: true })).toBeNull();
    expect(addressRefusal("10.0.0.1", { allowLoopback: true })).not.toBeNull();
    expect(addressRefusal("169.254.169.254", { allowLoopback: true })).not.toBeNull();
  });

  it("refuses plain http, credentials in the URL and literal private hosts before connecting", () => {
    expect(urlRefusal("http://hooks.slack.com/services/x", strict)).toMatch(/https/);
    expect(urlRefusal("https://user:secret@hooks.slack.com/services/x", strict)).toMatch(/password/);
    expect(urlRefusal("https://169.254.169.254/latest/meta-data", strict)).toMatch(/linkLocal/);
    expect(urlRefusal("https://[::ffff:7f00:1]/x", strict)).not.toBeNull();
    expect(urlRefusal("https://localhost/x", strict)).toMatch(/localhost/);
    expect(urlRefusal("file:///etc/passwd", strict)).not.toBeNull();
    expect(urlRefusal("https://hooks.slack.com/services/x", strict)).toBeNull();
  });

  it("checks every address a name resolves to when connecting", async () => {
    const lookup = guardedLookup(strict);
    const error = await new Promise<Error | null>((resolve) => lookup("localhost", {}, (e) => resolve(e)));
    expect(error).toBeInstanceOf(OutboundRefusedError);
    expect(error!.message).toMatch(/loopback/);
  });

  it("sends nothing to a loopback endpoint unless development allows it", async () => {
    const target = await endpoint((_req, res) => res.writeHead(200).end("ok"));
    await expect(postJson(`${target.url}/hook`, { text: "hi" }, { policy: strict })).rejects.toBeInstanceOf(
      OutboundRefusedError,
    );
    const port = new URL(target.url).port;
    await expect(postJson(`https://localhost:${port}/hook`, { text: "hi" }, { policy: strict })).rejects.toThrow(
      /localhost/,
    );
    expect(target.hits).toEqual([]);
    expect(await postJson(`${target.url}/hook`, { text: "hi" }, { policy: { allowLoopback: true } })).toEqual({
      status: 200,
    });
    expect(target.hits).toEqual(["POST /hook"]);
  });

  it("does not follow a redirect", async () => {
    const inside = await endpoint((_req, res) => res.writeHead(200).end("secret"));
    const redirecting = await endpoint((_req, res) => res.writeHead(302, { location: `${inside.url}/admin` }).end());
    expect(await postJson(`${redirecting.url}/hook`, {}, { policy: { allowLoopback: true } })).toEqual({
      status: 302,
    });
    expect(inside.hits).toEqual([]);
  });

  it("gives up on a server that answers a byte at a time, at the deadline for the whole request", async () => {
    const timers: NodeJS.Timeout[] = [];
    const trickling = await endpoint((_req, res) => {
      // Never idle for long enough to trip the socket's own timeout.
      res.socket?.write("HTTP/1.1 200 OK\r\n");
      timers.push(setInterval(() => res.socket?.write("X-Slow: 1\r\n"), 100));
    });
    const started = Date.now();
    try {
      await expect(
        postJson(`${trickling.url}/hook`, {}, { policy: { allowLoopback: true }, timeoutMs: 600 }),
      ).rejects.toThrow(/no answer within 600 ms/);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      timers.forEach(clearInterval);
    }
  });
});

describe("Slack alert targets", () => {
  const post = (shop: string, form: Record<string, string>) =>
    alertsAction({
      request: new Request(`${APP_URL}/app/alerts?shop=${shop}&embedded=1`, {
        method: "POST",
        headers: { authorization: `Bearer ${sessionToken(shop)}` },
        body: new URLSearchParams({ intent: "create", name: "Slack", scoreMin: "0", scoreMax: "6", ...form }),
      }),
      params: {},
      context: {},
    });

  it("accept only https://hooks.slack.com/… and store nothing for anything else", async () => {
    const shop = uniqueShop();
    await installShop(shop);
    for (const url of [
      "https://hooks.slack.com.evil.example/services/T0/B0/x",
      "https://evil.example/services/T0/B0/x",
      "https://hooks.slack.com:8443/services/T0/B0/x",
      "https://user:pw@hooks.slack.com/services/T0/B0/x",
      "http://hooks.slack.com/services/T0/B0/x",
      "https://169.254.169.254/latest/meta-data",
      "http://10.0.0.5/services/x",
      "javascript:alert(1)",
    ]) {
      const res = await post(shop, { slackWebhookUrl: url });
      expect(res.status, url).toBe(400);
      expect(((await res.json()) as { errors: Record<string, string> }).errors.slackWebhookUrl).toMatch(
        /hooks\.slack\.com/,
      );
    }
    expect(await prisma.alertRule.count({ where: { shop } })).toBe(0);
    // Loopback is a development convenience, refused once the setting is off.
    expect(slackUrlRefusal("http://127.0.0.1:9/services/x", strict)).not.toBeNull();
    expect(slackUrlRefusal("https://hooks.slack.com/services/T0/B0/abc", strict)).toBeNull();
    const ok = await post(shop, { slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/abcd1234" });
    expect(ok.status).toBe(200);
  });

  it("are stored encrypted and shown masked; a failed delivery records the status, never the body", async () => {
    const shop = uniqueShop();
    const slack = await endpoint((_req, res) => res.writeHead(500).end("INTERNAL-STACK-TRACE db=10.0.0.3"));
    const url = `${slack.url}/services/T0/B0/s3cr3t-token`;
    const order = orderPayload((p) => {
      p.created_at = p.updated_at = new Date(Date.now() - 86_400_000).toISOString();
    });
    await callAction(ordersCreate, webhookRequest("orders/create", order, { shop }));
    await createAlertRule(shop, {
      name: "Slack",
      scoreMin: 0,
      scoreMax: 10,
      stage: null,
      segments: [],
      urgent: true,
      emails: [],
      slackWebhookUrl: url,
    });
    const stored = await prisma.alertRule.findFirstOrThrow({ where: { shop } });
    expect(stored.slackWebhookUrl).toMatch(/^enc:v1:/);
    expect(stored.slackWebhookUrl).not.toContain("s3cr3t");
    expect(decryptSecret(stored.slackWebhookUrl!)).toBe(url);
    const [listed] = await listAlertRules(shop);
    expect(JSON.stringify(listed)).not.toContain("s3cr3t");
    expect(listed!.slackWebhook).toBe(`${new URL(slack.url).host}/…oken`);

    await prisma.shop.update({ where: { domain: shop }, data: { settings: { tagCustomers: false } } });
    const invitation = await prisma.surveyInvitation.findFirstOrThrow({ where: { shop } });
    await recordAnswer({ invitationId: invitation.id, score: 1, channel: "EMAIL", locale: "en" });
    const deps: ActionDeps = { adminFor: async () => null, mailer: () => ({}) as never, appUrl: "https://x.test" };
    await runDueActions(deps, { shop });
    expect(slack.hits).toEqual(["POST /services/T0/B0/s3cr3t-token"]);
    const action = await prisma.answerAction.findFirstOrThrow({ where: { shop, kind: "ALERT_SLACK" } });
    expect(action.lastError).toBe("Slack answered 500");
  });

  it("refuses to decrypt with another key, and encrypts URLs saved before encryption existed", async () => {
    const sealed = encryptSecret("https://hooks.slack.com/services/T0/B0/abc");
    expect(() => decryptSecret(sealed, randomBytes(32))).toThrow(/APP_ENCRYPTION_KEY/);
    const shop = uniqueShop();
    await installShop(shop);
    await prisma.alertRule.create({
      data: { shop, name: "Old", slackWebhookUrl: "https://hooks.slack.com/services/T0/B0/legacy" },
    });
    expect(await encryptStoredSecrets()).toBeGreaterThanOrEqual(1);
    const rule = await prisma.alertRule.findFirstOrThrow({ where: { shop } });
    expect(rule.slackWebhookUrl).toMatch(/^enc:v1:/);
    expect(decryptSecret(rule.slackWebhookUrl!)).toBe("https://hooks.slack.com/services/T0/B0/legacy");
    expect(await encryptStoredSecrets()).toBe(0);
  });
});

describe("the app in production without APP_ENCRYPTION_KEY", () => {
  it("stops at start with a message saying how to make a key, before it listens", async () => {
    const port = await freePort();
    const start = startScript(
      "server.ts",
      childEnv({
        NODE_ENV: "production",
        PORT: String(port),
        PGLITE_DATA_DIR: "memory://",
        APP_ENCRYPTION_KEY: undefined,
        SHOPIFY_API_KEY: "real-app-key",
        SHOPIFY_API_SECRET: "real-app-secret",
        SHOPIFY_APP_URL: "https://nps.example.com",
      }),
      /"msg":"listening"/,
    );
    await expect(start).rejects.toThrow(
      /exited with 1:[\s\S]*APP_ENCRYPTION_KEY is not set[\s\S]*openssl rand -base64 32/,
    );
  });
});
