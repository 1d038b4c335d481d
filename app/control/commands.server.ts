import { z } from "zod";
import { migrateDatabase } from "../db.server";
import { getShopStats, ShopNotFoundError } from "../models/stats.server";

export const ShopDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "must be a shop domain such as my-shop.myshopify.com");

/** An error the operator caused (unknown shop, bad argument): printed as one line, exit code 1. */
export class CommandError extends Error {}

/**
 * Operator commands. Each runs either in the CLI's own process or, when the app holds the
 * embedded database, inside the app through its control endpoint; both validate the same way.
 */
export const commands = {
  stats: {
    args: z.object({ shop: ShopDomainSchema }),
    run: async ({ shop }: { shop: string }) => {
      try {
        return await getShopStats(shop);
      } catch (error) {
        if (error instanceof ShopNotFoundError) throw new CommandError(error.message);
        throw error;
      }
    },
  },
  migrate: {
    args: z.object({}),
    run: async () => ({ applied: await migrateDatabase() }),
  },
} as const;

export type CommandName = keyof typeof commands;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

export type CommandResult = { ok: true; result: unknown } | { ok: false; error: string; usage?: boolean };

/** Validates and runs a command; never throws for the operator's mistakes. */
export async function runCommand(name: string, args: unknown): Promise<CommandResult> {
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
    return { ok: true, result: await command.run(parsed.data as never) };
  } catch (error) {
    if (error instanceof CommandError) return { ok: false, error: error.message };
    throw error;
  }
}
