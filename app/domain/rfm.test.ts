import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { segmentFor, segmentTable, segmentTableMarkdown } from "./rfm";

describe("RFM segments", () => {
  it("maps every (R, F, M) combination exactly once", () => {
    const table = segmentTable();
    expect(table).toHaveLength(125);
    expect(new Set(table.map((t) => `${t.r}${t.f}${t.m}`)).size).toBe(125);
  });

  it("uses every Shopify RFM group but Prospects, which has no scores", () => {
    expect(new Set(segmentTable().map((t) => t.segment)).size).toBe(10);
  });

  it("agrees with the published table in docs/", () => {
    const published = readFileSync(path.resolve(import.meta.dirname, "../../docs/rfm-segments.md"), "utf8");
    expect(published).toBe(segmentTableMarkdown());
  });

  it("follows Shopify's descriptions at the corners", () => {
    expect(segmentFor(5, 5, 5)).toBe("CHAMPIONS");
    expect(segmentFor(5, 1, 1)).toBe("NEW");
    expect(segmentFor(1, 5, 5)).toBe("PREVIOUSLY_LOYAL");
    expect(segmentFor(1, 1, 1)).toBe("DORMANT");
    expect(segmentFor(3, 3, 3)).toBe("NEEDS_ATTENTION");
  });
});
