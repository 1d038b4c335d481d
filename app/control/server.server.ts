import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { stringifyJson } from "../lib/json";
import { logger } from "../logger.server";
import { runCommand } from "./commands.server";

const CommandRequestSchema = z.object({ command: z.string().min(1), args: z.record(z.string(), z.unknown()) });
const MAX_BODY = 64 * 1024;

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.replace(/^Bearer /, "") ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(stringifyJson(body));
}

/**
 * The app's control endpoint: loopback only, on a port of its own (never reachable through
 * the app's public URL or tunnel), guarded by the secret in the lock file.
 */
export function startControlServer(token: string): Promise<{ port: number; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/command") return send(res, 404, { ok: false, error: "Not found" });
    if (!tokenMatches(req.headers.authorization, token)) return send(res, 401, { ok: false, error: "Bad token" });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) req.destroy();
      else chunks.push(c);
    });
    req.on("end", async () => {
      let body: z.infer<typeof CommandRequestSchema>;
      try {
        body = CommandRequestSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        return send(res, 400, { ok: false, error: "Body must be {command, args}" });
      }
      try {
        const result = await runCommand(body.command, body.args);
        logger.info({ command: body.command, ok: result.ok }, "control command");
        send(res, result.ok ? 200 : 400, result);
      } catch (error) {
        logger.error({ err: error, command: body.command }, "control command failed");
        send(res, 500, { ok: false, error: (error as Error).message });
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ port, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
