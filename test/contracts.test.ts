import { globSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { describe, expect, it } from "vitest";
import { ADMIN_API_VERSION, validateAdminDocument, validateStorefrontDocument } from "./admin-schema";
import { ROOT } from "./process";

/** Every `#graphql` (Admin API) or `#storefront` template literal in app/: the documents the app sends to Shopify. */
function graphqlDocuments(tag = "graphql"): Array<{ file: string; document: string }> {
  const files = globSync("app/**/*.{ts,tsx}", { cwd: ROOT }).filter((f) => !f.includes("generated"));
  return files.flatMap((file) => {
    const text = readFileSync(path.join(ROOT, file), "utf8");
    return [...text.matchAll(new RegExp(`\`#${tag}\\n([\\s\\S]*?)\``, "g"))].map((m) => ({ file, document: m[1]! }));
  });
}

describe("contract with Shopify's Admin GraphQL schema", () => {
  const documents = graphqlDocuments();

  it("finds the app's GraphQL documents", () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  it.each(documents.map((d) => [d.file, d.document]))("%s: validates against Admin API %#", (_file, document) => {
    expect(document).not.toContain("${");
    expect(validateAdminDocument(document)).toEqual([]);
  });

  it("knows when a document is wrong", () => {
    expect(validateAdminDocument("query { shop { nameOfTheShop } }")).not.toEqual([]);
  });
});

describe("contract with Shopify's Storefront GraphQL schema", () => {
  const documents = graphqlDocuments("storefront");

  it("finds the app's Storefront API documents", () => {
    expect(documents.length).toBeGreaterThan(0);
  });

  it.each(documents.map((d) => [d.file, d.document]))(
    "%s: validates against the Storefront API %#",
    (_file, document) => {
      expect(document).not.toContain("${");
      expect(validateStorefrontDocument(document)).toEqual([]);
    },
  );

  it("knows when a document is wrong", () => {
    expect(validateStorefrontDocument("query { shop { brand { colour } } }")).not.toEqual([]);
  });
});

describe("shopify.app.toml", () => {
  const toml = parseToml(readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8")) as {
    access_scopes: { scopes: string };
    webhooks: {
      api_version: string;
      subscriptions: Array<{ topics?: string[]; compliance_topics?: string[]; uri: string }>;
    };
    app_proxy: { prefix: string; subpath: string; url: string };
  };

  it("uses the Admin API version the app is built against", async () => {
    const { API_VERSION } = await import("../app/api-version");
    expect(toml.webhooks.api_version).toBe(API_VERSION);
    expect(ADMIN_API_VERSION).toBe(API_VERSION);
  });

  it("asks for the scopes the product needs", () => {
    const scopes = toml.access_scopes.scopes.split(",");
    for (const scope of [
      "read_orders",
      "read_all_orders",
      "read_customers",
      "write_customers",
      "write_app_proxy",
      "write_discounts",
      "read_products",
    ]) {
      expect(scopes).toContain(scope);
    }
  });

  it("subscribes each topic to /webhooks/<topic>, served by a route file named after it", () => {
    const topics = toml.webhooks.subscriptions.flatMap((s) => [...(s.topics ?? []), ...(s.compliance_topics ?? [])]);
    expect(topics.sort()).toEqual(
      [
        "app/scopes_update",
        "app/uninstalled",
        "app_subscriptions/update",
        "bulk_operations/finish",
        "customers/data_request",
        "customers/redact",
        "fulfillment_events/create",
        "orders/cancelled",
        "orders/create",
        "orders/fulfilled",
        "orders/updated",
        "shop/redact",
      ].sort(),
    );
    const text = readFileSync(path.join(ROOT, "shopify.app.toml"), "utf8");
    for (const sub of toml.webhooks.subscriptions) {
      const topic = [...(sub.topics ?? []), ...(sub.compliance_topics ?? [])][0]!;
      expect(sub.uri).toBe(`/webhooks/${topic}`);
      const routeFile = `app/routes/webhooks.${topic.replace("/", ".")}.tsx`;
      expect(readFileSync(path.join(ROOT, routeFile), "utf8")).toContain("export const action");
      expect(text).toContain(`# Handled by: /${routeFile}`);
    }
  });

  it("sends the storefront's /apps/nps to the app's /proxy routes", () => {
    expect(toml.app_proxy.prefix).toBe("apps");
    expect(toml.app_proxy.subpath).toBe("nps");
    expect(new URL(toml.app_proxy.url).pathname).toBe("/proxy");
  });
});
