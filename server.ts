import { existsSync } from "node:fs";
import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler, type ServerBuild } from "@remix-run/node";
import express from "express";
import { acquireLock, publishControlPort } from "./app/control/lock.server";
import { startControlServer } from "./app/control/server.server";
import { closeDatabase, migrateDatabase, openDatabase } from "./app/db.server";
import { env } from "./app/env.server";
import { startBackgroundWork } from "./app/workers/background.server";
import { logger } from "./app/logger.server";
import { capBody, remixRequest, sendRemixResponse } from "./app/lib/body-cap.server";
import { LOGIN_BODY_LIMIT, SHOPPER_BODY_LIMIT, WEBHOOK_BODY_LIMIT } from "./app/lib/http";
import { pathForLog } from "./app/lib/log-path";
import { encryptionKey } from "./app/lib/secrets.server";
import { encryptStoredSecrets } from "./app/models/alert-rules.server";

export interface RunningServer {
  port: number;
  close: () => Promise<void>;
}

/**
 * The app's process: takes the embedded database folder (or connects to PostgreSQL),
 * applies migrations, serves the Remix app, and, for PGlite, opens the loopback control
 * endpoint that CLI commands use while the app holds the folder.
 */
export async function startServer(
  options: {
    beforeListen?: () => Promise<void>;
    /** Set by `npm run demo` only: DEMO_MODE anywhere else stops the app. */
    demo?: boolean;
  } = {},
): Promise<RunningServer> {
  const e = env();
  if (e.DEMO_MODE && !options.demo) {
    // Demo mode serves an admin without a Shopify login: left set beside a real app's settings,
    // it would open that app's admin to anyone.
    throw new Error(
      "DEMO_MODE is set, but demo mode runs only through `npm run demo`. Unset DEMO_MODE to start the app.",
    );
  }
  // Without its key the app could neither read nor save the secrets merchants enter: stop now,
  // with the message saying how to make one, rather than on the first alert rule saved.
  encryptionKey();
  const embedded = !e.DATABASE_URL && e.PGLITE_DATA_DIR !== "memory://";
  const held = embedded ? acquireLock(e.PGLITE_DATA_DIR, "app") : null;
  const cleanups: Array<() => Promise<void> | void> = [];
  if (held) cleanups.push(held.release);
  cleanups.unshift(closeDatabase);

  try {
    const db = openDatabase();
    const applied = await migrateDatabase(db);
    logger.info({ database: db.kind, location: db.location, migrationsApplied: applied }, "database ready");
    const encrypted = await encryptStoredSecrets();
    if (encrypted > 0) logger.info({ secrets: encrypted }, "encrypted secrets saved before encryption at rest");
    await options.beforeListen?.();
    // Webhooks applied right after they are answered, survey emails, alerts, tags, Flow
    // triggers and imports: here, or in `npm run worker` processes (BACKGROUND_WORK=workers).
    if (e.BACKGROUND_WORK === "inline") cleanups.unshift(await startBackgroundWork(e.PORT));

    if (held) {
      const control = await startControlServer(held.lock.token!);
      publishControlPort(e.PGLITE_DATA_DIR, held.lock, control.port);
      cleanups.unshift(control.close);
    }

    const production = e.NODE_ENV === "production";
    const vite = production
      ? undefined
      : await import("vite").then((v) => v.createServer({ server: { middlewareMode: true } }));
    if (vite) cleanups.unshift(() => vite.close());
    const buildFile = path.resolve("build/server/index.js");
    if (production && !existsSync(buildFile)) {
      throw new Error("No production build found: run `npm run build` first.");
    }
    const build = vite
      ? () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
      : ((await import(pathToFileURL(buildFile).href)) as ServerBuild);

    const app = express();
    app.disable("x-powered-by");
    app.use((req, res, next) => {
      const started = performance.now();
      // Read now: middleware mounted on a path shortens req.path while it runs.
      const path = pathForLog(req.path);
      res.on("finish", () => {
        // The path only, with survey tokens masked: query strings and survey links carry them.
        logger.info(
          {
            method: req.method,
            path,
            status: res.statusCode,
            ms: Math.round(performance.now() - started),
          },
          "request",
        );
      });
      next();
    });
    // Bodies that arrive before anything can authenticate them are read within a cap.
    app.use("/webhooks", capBody(WEBHOOK_BODY_LIMIT));
    app.use("/auth/login", capBody(LOGIN_BODY_LIMIT));
    app.use(["/proxy", "/api"], capBody(SHOPPER_BODY_LIMIT));
    if (vite) {
      app.use(vite.middlewares);
    } else {
      app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
      app.use(express.static("build/client", { maxAge: "1h" }));
    }
    const handleRequest = createRequestHandler(build, production ? "production" : "development");
    app.all("*", async (req, res, next) => {
      try {
        await sendRemixResponse(res, await handleRequest(remixRequest(req, res)));
      } catch (error) {
        next(error);
      }
    });

    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(e.PORT, e.HOST, () => resolve(s)).once("error", reject);
    });
    cleanups.unshift(() => new Promise<void>((r) => server.close(() => r())));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : e.PORT;
    logger.info({ url: `http://localhost:${port}`, demo: e.DEMO_MODE, mode: e.NODE_ENV }, "listening");
    return { port, close: () => runCleanups(cleanups) };
  } catch (error) {
    await runCleanups(cleanups);
    throw error;
  }
}

async function runCleanups(cleanups: Array<() => Promise<void> | void>) {
  for (const cleanup of cleanups) {
    try {
      await cleanup();
    } catch (error) {
      logger.warn({ err: error }, "cleanup failed");
    }
  }
}

/** Stops cleanly on Ctrl-C or a service manager's TERM, so PGlite flushes its data folder. */
export function closeOnSignals(server: Pick<RunningServer, "close">) {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  startServer().then(closeOnSignals, (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
