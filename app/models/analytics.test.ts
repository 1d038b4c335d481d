import { beforeAll, describe, expect, it } from "vitest";
import { openDatabase, prisma } from "../db.server";
import { seedDemoShop } from "../demo/seed.server";
import { reportNps, loadBrands, loadOverview, loadSegments, loadFilterOptions } from "./analytics.server";
import { runCommand } from "../control/commands.server";

const shop = "analytics-demo.myshopify.com";

interface Expected {
  key: string;
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number;
  ci_low: number;
  ci_high: number;
}

// The expected figures, computed independently of the app: vendors straight from the order
// lines (not the copies on the responses), segments from the customers, NPS and the
// adjusted-Wald interval in SQL rather than in app/domain/nps.ts.
const independent = (groupKey: string, from: string) => `
  WITH answers AS (${from}),
  counts AS (
    SELECT key, count(*)::int AS n,
           count(*) FILTER (WHERE score >= 9)::int AS promoters,
           count(*) FILTER (WHERE score BETWEEN 7 AND 8)::int AS passives,
           count(*) FILTER (WHERE score <= 6)::int AS detractors
    FROM answers GROUP BY key),
  adjusted AS (
    SELECT *, (promoters + 0.75) / (n + 3.0) AS p, (detractors + 0.75) / (n + 3.0) AS d FROM counts)
  SELECT key, n, promoters, passives, detractors,
         round(100.0 * (promoters - detractors) / n, 1)::float AS nps,
         round(greatest(-100, 100 * ((p - d) - 1.959963984540054 * sqrt((p + d - (p - d) ^ 2) / (n + 3)))), 1)::float AS ci_low,
         round(least(100, 100 * ((p - d) + 1.959963984540054 * sqrt((p + d - (p - d) ^ 2) / (n + 3)))), 1)::float AS ci_high
  FROM adjusted ORDER BY ${groupKey}`;

async function expected(from: string): Promise<Expected[]> {
  return (await openDatabase().sql.query<Expected>(independent("key", from), [shop])).rows;
}

const figures = (g: {
  key: string;
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  nps: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}) => ({
  key: g.key,
  n: g.n,
  promoters: g.promoters,
  passives: g.passives,
  detractors: g.detractors,
  nps: g.nps,
  ci_low: g.ciLow,
  ci_high: g.ciHigh,
});

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

describe("analytics on the demo shop", () => {
  beforeAll(async () => {
    await seedDemoShop({ shop, orders: 4000, customers: 1000 });
  }, 120_000);

  it("reports overall NPS as an independent SQL computation does", async () => {
    const report = await reportNps(shop, "overall", {}, "all");
    const want = await expected(`SELECT 'all' AS key, score FROM responses WHERE shop = $1`);
    expect(report.groups.map(figures)).toEqual(want);
    expect(report.groups[0]!.n).toBeGreaterThan(500);
  });

  it("counts an answer once for every distinct vendor of its order", async () => {
    const report = await reportNps(shop, "vendor", {}, "all");
    const want = await expected(`
      SELECT DISTINCT r.id, ol.vendor AS key, r.score
      FROM responses r JOIN order_lines ol ON ol.order_id = r.order_id
      WHERE r.shop = $1 AND ol.vendor IS NOT NULL`);
    expect(report.groups.map(figures).sort(byKey)).toEqual(want.sort(byKey));
    // Ranked are exactly the groups with enough answers, best first.
    const ranked = report.groups.filter((g) => g.rank !== null).sort((a, b) => a.rank! - b.rank!);
    expect(ranked.every((g) => g.enoughAnswers)).toBe(true);
    expect(ranked.length).toBe(report.groups.filter((g) => g.enoughAnswers).length);
    expect(ranked.map((g) => g.nps)).toEqual([...ranked.map((g) => g.nps)].sort((a, b) => b! - a!));
  });

  it("reports NPS by RFM segment as an independent SQL computation does", async () => {
    const report = await reportNps(shop, "segment", {}, "all");
    const want = await expected(`
      SELECT COALESCE(lower(c.segment::text), 'none') AS key, r.score
      FROM responses r LEFT JOIN customers c ON c.id = r.customer_id WHERE r.shop = $1`);
    expect(report.groups.map(figures).sort(byKey)).toEqual(want.sort(byKey));
  });

  it("compares after delivery with before, and flags only differences whose interval excludes zero", async () => {
    const report = await reportNps(shop, "stage", {}, "all");
    expect(report.groups.map((g) => g.key)).toEqual(["pre", "post"]);
    const gap = report.groups[1]!.comparison!;
    expect(gap.against).toBe("pre");
    expect(gap.difference).toBeCloseTo(report.groups[1]!.nps! - report.groups[0]!.nps!, 0);
    expect(gap.significant).toBe(gap.ciLow! > 0 || gap.ciHigh! < 0);
  });

  it("applies filters: a vendor's report is its group in the vendor report", async () => {
    const byVendor = await reportNps(shop, "vendor", {}, "all");
    const vendor = byVendor.groups[0]!;
    const only = await reportNps(shop, "overall", { vendor: vendor.key }, "all");
    expect(only.groups[0]!.n).toBe(vendor.n);
    expect(only.groups[0]!.nps).toBe(vendor.nps);
  });

  it("prints the same report through the CLI command, as JSON and as CSV", async () => {
    const json = await runCommand("report", { shop, by: "vendor" });
    expect(json).toMatchObject({ ok: true });
    const report = (json as { result: Awaited<ReturnType<typeof reportNps>> }).result;
    expect(report).toMatchObject({ shop, by: "vendor", from: null });
    expect(report.groups).toEqual((await reportNps(shop, "vendor", {}, "all")).groups);
    const csv = await runCommand("report", { shop, by: "segment", format: "csv" });
    const lines = (csv as { text: string }).text.trim().split("\n");
    expect(lines[0]).toMatch(/^key,n,promoters,passives,detractors,/);
    expect(lines.length - 1).toBe((await reportNps(shop, "segment", {}, "all")).groups.length);
  });

  it("refuses bad arguments with a message that names them", async () => {
    expect(await runCommand("report", { shop, by: "colour" })).toMatchObject({ ok: false, error: /--by/ });
    expect(await runCommand("report", { shop, from: "2026-02-30" })).toMatchObject({
      ok: false,
      error: /--from: is not a calendar date/,
    });
    expect(await runCommand("report", { shop, from: "2026-05-01", to: "2026-04-01" })).toMatchObject({
      ok: false,
      error: /--from: is after the end date \(to\)/,
    });
    expect(await runCommand("report", { shop: "nobody.myshopify.com" })).toMatchObject({
      ok: false,
      error: "Unknown shop: nobody.myshopify.com",
    });
  });

  it("builds the overview, brands and segments views from the same figures", async () => {
    const filters = { range: "all" as const };
    const [overview, brands, segments, options] = await Promise.all([
      loadOverview(shop, filters),
      loadBrands(shop, filters, { sort: "n", pageSize: 10 }),
      loadSegments(shop, filters),
      loadFilterOptions(shop),
    ]);
    const overall = (await reportNps(shop, "overall", {}, "all")).groups[0]!;
    expect(overview.overall.nps).toBe(overall.nps);
    expect(overview.trend.reduce((s, g) => s + g.n, 0)).toBe(overall.n);
    expect(overview.rates.answered).toBeGreaterThan(0);
    expect(overview.rates.channels.reduce((s, c) => s + c.answers, 0)).toBe(overview.rates.answered);
    // The per-day survey counters kept by triggers equal a count of the invitations themselves.
    const counted = await openDatabase().sql.query<{ sent: number; channel: string | null; n: number }>(
      `SELECT lower(channel::text) AS channel, count(*)::int AS n FROM survey_invitations
       WHERE shop = $1 AND (sent_at IS NOT NULL OR status = 'ANSWERED') GROUP BY 1`,
      [shop],
    );
    expect(overview.rates.sent).toBe(counted.rows.reduce((a, r) => a + r.n, 0));
    const answeredBy = await openDatabase().sql.query<{ channel: string; n: number }>(
      `SELECT lower(channel::text) AS channel, count(*)::int AS n FROM survey_invitations
       WHERE shop = $1 AND status = 'ANSWERED' GROUP BY 1`,
      [shop],
    );
    for (const c of overview.rates.channels) {
      expect(c.answers).toBe(answeredBy.rows.find((r) => r.channel === c.channel)?.n ?? 0);
    }
    expect(overview.paired.total.pairs).toBe(
      overview.paired.total.down + overview.paired.total.same + overview.paired.total.up,
    );
    expect(brands.brands).toHaveLength(10);
    expect(brands.brands.map((b) => b.n)).toEqual([...brands.brands.map((b) => b.n)].sort((a, b) => b - a));
    expect(brands.total).toBe(options.vendors.length);
    expect(segments.segments.reduce((s, g) => s + g.n, 0)).toBe(overall.n);
    expect(segments.heat.filter((c) => c.n < segments.minAnswers).every((c) => c.nps === null)).toBe(true);
  });
});

describe("order facts copied onto answers", () => {
  it("follow the order's lines and shipping country when they change", async () => {
    const s = "facts.myshopify.com";
    await prisma.shop.create({ data: { domain: s } });
    const order = await prisma.order.create({
      data: {
        shop: s,
        shopifyId: 1n,
        name: "#1001",
        currency: "EUR",
        currentTotal: 10,
        totalPrice: 10,
        countryCode: "DE",
        orderCreatedAt: new Date(),
        shopifyUpdatedAt: new Date(),
        lines: { create: [{ shop: s, vendor: "Acme", quantity: 1, amount: 10 }] },
      },
    });
    const response = await prisma.response.create({
      data: { shop: s, orderId: order.id, stage: "PRE_DELIVERY", score: 3, category: "DETRACTOR", channel: "EMAIL" },
    });
    const facts = () =>
      prisma.response.findUniqueOrThrow({ where: { id: response.id }, select: { vendors: true, countryCode: true } });
    expect(await facts()).toEqual({ vendors: ["Acme"], countryCode: "DE" });

    await prisma.orderLine.createMany({
      data: [
        { shop: s, orderId: order.id, vendor: "Zeta", quantity: 1, amount: 1 },
        { shop: s, orderId: order.id, vendor: "Acme", quantity: 2, amount: 1 },
      ],
    });
    await prisma.order.update({ where: { id: order.id }, data: { countryCode: "FR" } });
    expect(await facts()).toEqual({ vendors: ["Acme", "Zeta"], countryCode: "FR" });

    await prisma.orderLine.deleteMany({ where: { orderId: order.id, vendor: "Acme" } });
    expect(await facts()).toEqual({ vendors: ["Zeta"], countryCode: "FR" });
  });
});
