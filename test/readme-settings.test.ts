import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EnvSchema } from "../app/env.server";
import { ROOT } from "./process";

/** Rows of the table that the test suite reads, not the app: they are not in the schema. */
const TEST_ONLY = ["TEST_DATABASE_URL"];

/** The variables named in the first column of the table under "## Settings". */
function readmeSettings(): string[] {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = /^## Settings\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1];
  if (!section) throw new Error('README.md has no "## Settings" section');
  return [...section.matchAll(/^\| `([A-Z0-9_]+)` +\|/gm)].map((m) => m[1]!);
}

describe("README's settings table", () => {
  it("lists every key of the environment schema, and nothing else but the documented test-only rows", () => {
    const schema = Object.keys(EnvSchema.in.shape);
    const readme = readmeSettings();
    expect(readme.length).toBeGreaterThan(0);
    expect(new Set(readme).size, "a variable is listed twice").toBe(readme.length);
    expect({
      missingFromReadme: schema.filter((k) => !readme.includes(k)),
      notInSchema: readme.filter((k) => !schema.includes(k) && !TEST_ONLY.includes(k)),
    }).toEqual({ missingFromReadme: [], notInSchema: [] });
  });

  it("says of each test-only row that it is for tests, and keeps those out of the schema", () => {
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
    for (const key of TEST_ONLY) {
      expect(Object.keys(EnvSchema.in.shape)).not.toContain(key);
      expect(new RegExp(`^\\| \`${key}\` +\\|[^\\n]*\\| tests only`, "m").test(readme), key).toBe(true);
    }
  });
});
