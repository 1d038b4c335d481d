import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { check } from "@shopify/theme-check-node";
import { describe, expect, it } from "vitest";
import { SHOPPER_LOCALES } from "../app/domain/shopper-locales";
import { ROOT } from "./process";

const EXT = path.join(ROOT, "extensions/nps-storefront");

describe("theme app extension", () => {
  it("passes Shopify's theme check for app extensions", async () => {
    const offenses = await check(EXT, "theme-check:theme-app-extension");
    expect(offenses.map((o) => `${o.uri.split("/nps-storefront/")[1]}: ${o.check}: ${o.message}`)).toEqual([]);
  }, 60_000);

  it("has every storefront text in every shopper language", () => {
    const keys = (file: string) =>
      Object.keys(JSON.parse(readFileSync(path.join(EXT, "locales", file), "utf8")).survey).sort();
    const english = keys("en.default.json");
    for (const locale of SHOPPER_LOCALES.filter((l) => l !== "en")) expect(keys(`${locale}.json`)).toEqual(english);
  });

  it("stays small: script and styles under a few kilobytes gzipped", () => {
    const size = (file: string) => gzipSync(readFileSync(path.join(EXT, "assets", file))).length;
    expect(size("nps-survey.js")).toBeLessThan(3 * 1024);
    // The white card in the shop's accent, whatever the theme's colours, costs a few rules.
    expect(size("nps-survey.css")).toBeLessThan(1280);
  });
});
