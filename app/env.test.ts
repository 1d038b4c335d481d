import { describe, expect, it } from "vitest";
import { DEMO_API_SECRET, parseEnv, requireShopifyCredentials } from "./env.server";

describe("settings from the environment", () => {
  it("supplies the demo's documented secret and URL only in demo mode", () => {
    const demo = parseEnv({ DEMO_MODE: "1", PORT: "4000" });
    expect(demo.SHOPIFY_API_SECRET).toBe(DEMO_API_SECRET);
    expect(demo.SHOPIFY_APP_URL).toBe("http://localhost:4000");
    const production = parseEnv({});
    expect(production.SHOPIFY_API_SECRET).toBeUndefined();
    expect(() => requireShopifyCredentials(production)).toThrow(
      /Missing SHOPIFY_API_KEY, SHOPIFY_API_SECRET, SHOPIFY_APP_URL/,
    );
  });

  it("names every bad setting at once", () => {
    expect(() => parseEnv({ PORT: "http", DATABASE_URL: "mysql://x" })).toThrow(
      /PORT:[\s\S]*DATABASE_URL: DATABASE_URL must be a postgres/,
    );
  });

  it("uses PGlite under ./data by default", () => {
    expect(parseEnv({}).PGLITE_DATA_DIR).toMatch(/\/data\/pglite$/);
    expect(parseEnv({ PGLITE_DATA_DIR: "memory://" }).PGLITE_DATA_DIR).toBe("memory://");
  });
});
