import http from "node:http";
import type { AddressInfo } from "node:net";
import { signAppProxyQuery } from "../app/lib/shopify-signing";

/**
 * What Shopify's App Proxy does for https://<shop>/apps/nps/...: forwards the request to the
 * app's /proxy/... with shop, path_prefix, timestamp and a signature added to the query,
 * and renders an application/liquid answer inside the shop's theme (here, a bare page).
 */
export async function startAppProxy(options: { appUrl: string; shop: string; secret: string; customerId?: string }) {
  const server = http.createServer(async (req, res) => {
    const incoming = new URL(req.url ?? "/", "http://proxy.local");
    if (!incoming.pathname.startsWith("/apps/nps/")) {
      // The rest of the shop (its favicon, say) is not the app's business.
      res.writeHead(incoming.pathname === "/favicon.ico" ? 204 : 404).end();
      return;
    }
    const params = new URLSearchParams(incoming.search);
    params.set("shop", options.shop);
    params.set("logged_in_customer_id", options.customerId ?? "");
    params.set("path_prefix", "/apps/nps");
    params.set("timestamp", String(Math.floor(Date.now() / 1000)));
    params.set("signature", signAppProxyQuery(params, options.secret));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${options.appUrl}/proxy/${incoming.pathname.slice("/apps/nps/".length)}?${params}`, {
      method: req.method,
      headers: { "content-type": req.headers["content-type"] ?? "", "user-agent": req.headers["user-agent"] ?? "" },
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      redirect: "manual",
    });
    const body = await upstream.text();
    if (upstream.headers.get("content-type")?.includes("application/liquid")) {
      res.writeHead(upstream.status, { "content-type": "text/html; charset=utf-8" });
      res.end(
        `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Shop</title></head><body>${body}</body></html>`,
      );
      return;
    }
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "text/plain" });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
