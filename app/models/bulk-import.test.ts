import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAdmin } from "../../test/admin-schema";
import { ROOT } from "../../test/process";
import { uniqueShop } from "../../test/shopify";
import { convertOnlineRetail } from "../../scripts/lib/online-retail";
import prisma from "../db.server";
import { advanceBulkImport, startHistoryImport } from "./bulk-import.server";
import { getShopStats } from "./stats.server";

let dir: string;
let server: http.Server;
let fileUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "nps-bulk-"));
  const jsonl = path.join(dir, "export.jsonl");
  await convertOnlineRetail(path.join(ROOT, "test/fixtures/online-retail/online-retail-30k.csv"), jsonl);
  // Shopify's export file, served over real HTTP as its storage would.
  server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/jsonl" });
    createReadStream(jsonl).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  fileUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/export.jsonl`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe("order history through a Bulk Operation", () => {
  it("starts Shopify's export, waits for it, downloads and imports it", async () => {
    const shop = uniqueShop("bulk");
    let status = "RUNNING";
    const admin = fakeAdmin((call) => {
      if (call.query.includes("bulkOperationRunQuery")) {
        return {
          bulkOperationRunQuery: {
            bulkOperation: { id: "gid://shopify/BulkOperation/77", status: "CREATED" },
            userErrors: [],
          },
        };
      }
      return {
        node: {
          id: "gid://shopify/BulkOperation/77",
          status,
          errorCode: null,
          objectCount: "42367",
          url: status === "COMPLETED" ? fileUrl : null,
          partialDataUrl: null,
        },
      };
    });

    const { importId } = await startHistoryImport(shop, admin.graphql);
    // The export's query is the one the contract test checks against Shopify's schema.
    expect(admin.calls[0]!.variables).toMatchObject({ query: expect.stringContaining("lineItems") });
    await expect(startHistoryImport(shop, admin.graphql)).rejects.toThrow(/already running/);

    expect(await advanceBulkImport(importId, admin.graphql)).toEqual({ state: "running" });
    status = "COMPLETED";
    const done = await advanceBulkImport(importId, admin.graphql);
    expect(done).toMatchObject({ state: "completed", summary: { orders: 12392, lines: 29975, invalidLines: 0 } });
    expect(await prisma.historyImport.findUniqueOrThrow({ where: { id: importId } })).toMatchObject({
      status: "COMPLETED",
      ordersDone: 12392,
      rowsDone: 42367,
      expectedRows: 42367,
      runningShop: null,
    });
    expect((await getShopStats(shop)).orders).toBe(12392);
  }, 120_000);

  it("fails the import with Shopify's reason when the export fails", async () => {
    const shop = uniqueShop("bulk");
    const admin = fakeAdmin((call) =>
      call.query.includes("bulkOperationRunQuery")
        ? {
            bulkOperationRunQuery: {
              bulkOperation: { id: "gid://shopify/BulkOperation/78", status: "CREATED" },
              userErrors: [],
            },
          }
        : {
            node: {
              id: "gid://shopify/BulkOperation/78",
              status: "FAILED",
              errorCode: "ACCESS_DENIED",
              objectCount: "0",
              url: null,
              partialDataUrl: null,
            },
          },
    );
    const { importId } = await startHistoryImport(shop, admin.graphql);
    expect(await advanceBulkImport(importId, admin.graphql)).toEqual({ state: "failed" });
    const run = await prisma.historyImport.findUniqueOrThrow({ where: { id: importId } });
    expect(run.status).toBe("FAILED");
    expect(JSON.stringify(run.errors)).toContain("ACCESS_DENIED");
  });
});
