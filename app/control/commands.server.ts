import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import prisma, { migrateDatabase } from "../db.server";
import { AnalyticsFiltersSchema, IsoDateSchema as IsoDate } from "../domain/analytics-filters";
import { importPace, timeLeft } from "../domain/import-pace";
import { reportToCsv, themeReportToCsv } from "../domain/report-csv";
import { csvCell } from "../lib/csv";
import { GROUP_BYS, reportNps, UnknownShopError } from "../models/analytics.server";
import { reportThemes } from "../models/theme-analytics.server";
import { listShopThemes } from "../models/themes.server";
import { ImportRunningError, importOrderHistory, openFileLines } from "../models/history-import.server";
import { computeRfm, listRfm } from "../models/rfm.server";
import { getShopStats, ShopNotFoundError } from "../models/stats.server";
import { listFailedDeliveries, purgeFailedDeliveries, retryFailedDeliveries } from "../models/webhook-inbox.server";

export const ShopDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a shop domain such as my-shop.myshopify.com");

/** An error the operator caused (unknown shop, bad argument): printed as one line, exit code 1. */
export class CommandError extends Error {}

/** What a command may use of where it runs: a terminal to show progress on. */
export interface CommandContext {
  progress?: (text: string) => void;
}

/** What a command gives back: a value printed as JSON, or text printed as is, and the exit code. */
export interface CommandOutput {
  result?: unknown;
  text?: string;
  exitCode?: number;
}

async function requireShop(shop: string) {
  const found = await prisma.shop.findUnique({ where: { domain: shop }, select: { domain: true } });
  if (!found) throw new CommandError(`Unknown shop: ${shop}`);
}

/**
 * Operator commands. Each runs either in the CLI's own process or, when the app holds the
 * embedded database, inside the app through its control endpoint; both validate the same way.
 */
export const commands = {
  stats: {
    args: z.object({ shop: ShopDomainSchema }),
    run: async ({ shop }: { shop: string }): Promise<CommandOutput> => {
      try {
        return { result: await getShopStats(shop) };
      } catch (error) {
        if (error instanceof ShopNotFoundError) throw new CommandError(error.message);
        throw error;
      }
    },
  },
  migrate: {
    args: z.object({}),
    run: async (): Promise<CommandOutput> => ({ result: { applied: await migrateDatabase() } }),
  },
  import: {
    args: z.object({
      shop: ShopDomainSchema,
      file: z
        .string()
        .min(1)
        .transform((f) => path.resolve(f))
        .refine((f) => existsSync(f), { message: "no such file" }),
    }),
    run: async ({ shop, file }: { shop: string; file: string }, context: CommandContext): Promise<CommandOutput> => {
      try {
        const input = openFileLines(file);
        const started = performance.now();
        const summary = await importOrderHistory(shop, input.lines, {
          source: "FILE",
          onProgress: (p) => {
            // The file's rows estimated from the share read so far, which runs ahead of the rows written.
            const fraction = input.fraction();
            const pace = importPace({
              rowsDone: p.rows,
              elapsedSeconds: (performance.now() - started) / 1000,
              expectedRows: fraction > 0 ? Math.round(p.rowsRead / fraction) : null,
            });
            context.progress?.(
              `${p.rows.toLocaleString("en")} rows · ${p.orders.toLocaleString("en")} orders · ` +
                `${p.lines.toLocaleString("en")} lines · ${p.invalidLines} invalid` +
                (pace
                  ? ` · ${Math.round(pace.rowsPerSecond).toLocaleString("en")} rows/s` +
                    (pace.secondsLeft === null ? "" : ` · ${timeLeft(pace.secondsLeft)}`)
                  : ""),
            );
          },
        });
        return { result: summary, exitCode: summary.invalidLines > 0 ? 1 : 0 };
      } catch (error) {
        if (error instanceof ImportRunningError) throw new CommandError(error.message);
        throw error;
      }
    },
  },
  rfm: {
    args: z.object({
      shop: ShopDomainSchema,
      "as-of": IsoDate.optional(),
      format: z.enum(["csv", "json"]).default("csv"),
    }),
    run: async (args: { shop: string; "as-of"?: string; format: "csv" | "json" }): Promise<CommandOutput> => {
      await requireShop(args.shop);
      const asOf = args["as-of"] ?? new Date().toISOString().slice(0, 10);
      await computeRfm(args.shop, asOf);
      const rows = await listRfm(args.shop, asOf);
      if (args.format === "json") return { result: rows };
      const columns = ["customer_id", "recency_days", "frequency", "monetary", "r", "f", "m", "segment"] as const;
      const lines = [columns.join(","), ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(","))];
      return { text: `${lines.join("\n")}\n` };
    },
  },
  report: {
    args: z
      .object({
        shop: ShopDomainSchema,
        by: z.enum([...GROUP_BYS, "theme"]).default("overall"),
        format: z.enum(["json", "csv"]).default("json"),
        ...AnalyticsFiltersSchema.shape,
      })
      .refine((a) => !a.from || !a.to || a.from <= a.to, { message: "is after the end date (to)", path: ["from"] }),
    run: async ({
      shop,
      by,
      format,
      ...filters
    }: { shop: string; by: (typeof GROUP_BYS)[number] | "theme"; format: "json" | "csv" } & z.infer<
      typeof AnalyticsFiltersSchema
    >): Promise<CommandOutput> => {
      try {
        // Without dates the report covers all answers; the pages default to the last 12 months.
        if (by === "theme") {
          const themes = await reportThemes(shop, filters, "all");
          return format === "csv" ? { text: themeReportToCsv(themes) } : { result: themes };
        }
        const report = await reportNps(shop, by, filters, "all");
        return format === "csv" ? { text: reportToCsv(report) } : { result: report };
      } catch (error) {
        if (error instanceof UnknownShopError) throw new CommandError(error.message);
        throw error;
      }
    },
  },
  taxonomy: {
    args: z.object({ shop: ShopDomainSchema }),
    run: async ({ shop }: { shop: string }): Promise<CommandOutput> => {
      await requireShop(shop);
      return { result: await listShopThemes(shop) };
    },
  },
  webhooks: {
    args: z
      .object({
        shop: ShopDomainSchema.optional(),
        retry: z.enum(["failed"], { message: "use --retry failed" }).optional(),
        purge: z.enum(["failed"], { message: "use --purge failed" }).optional(),
      })
      .refine((a) => !(a.retry && a.purge), { message: "retry or purge, not both", path: ["purge"] }),
    run: async (args: { shop?: string; retry?: "failed"; purge?: "failed" }): Promise<CommandOutput> => {
      // Failed deliveries keep their bodies until an operator retries or gives them up.
      const retried = args.retry ? await retryFailedDeliveries({ shop: args.shop }) : undefined;
      const purged = args.purge ? await purgeFailedDeliveries({ shop: args.shop }) : undefined;
      const failed = await listFailedDeliveries({ shop: args.shop });
      return {
        result: {
          ...(retried === undefined ? {} : { retried }),
          ...(purged === undefined ? {} : { purged }),
          ...failed,
        },
      };
    },
  },
} as const;

export type CommandName = keyof typeof commands;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

export type CommandResult = ({ ok: true } & CommandOutput) | { ok: false; error: string; usage?: boolean };

/** Validates and runs a command; never throws for the operator's mistakes. */
export async function runCommand(name: string, args: unknown, context: CommandContext = {}): Promise<CommandResult> {
  if (!isCommandName(name)) {
    return {
      ok: false,
      usage: true,
      error: `Unknown command "${name}". Commands: ${Object.keys(commands).join(", ")}.`,
    };
  }
  const command = commands[name];
  const parsed = command.args.safeParse(args);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ");
    return { ok: false, usage: true, error: `Invalid arguments for ${name}: ${problems}` };
  }
  try {
    return { ok: true, ...(await command.run(parsed.data as never, context)) };
  } catch (error) {
    if (error instanceof CommandError) return { ok: false, error: error.message };
    throw error;
  }
}
