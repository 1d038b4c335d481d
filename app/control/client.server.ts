import { closeDatabase, migrateDatabase } from "../db.server";
import { env } from "../env.server";
import { parseJsonExact } from "../lib/json";
import { type CommandContext, type CommandResult, runCommand } from "./commands.server";
import { acquireLock, FolderInUseError, readLock } from "./lock.server";

export type Dispatched = CommandResult & { via: "app" | "local" };

async function sendToApp(port: number, token: string, command: string, args: unknown): Promise<CommandResult> {
  const res = await fetch(`http://127.0.0.1:${port}/command`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ command, args }),
  });
  return parseJsonExact(await res.text()) as CommandResult;
}

/**
 * Runs an operator command where the database can be reached: through the running app
 * when it holds the embedded database folder, else in this process (PostgreSQL, or a
 * PGlite folder nobody holds, which this process then locks for the duration).
 */
export async function dispatchCommand(
  command: string,
  args: Record<string, unknown>,
  context: CommandContext = {},
): Promise<Dispatched> {
  const e = env();
  if (e.DATABASE_URL || e.PGLITE_DATA_DIR === "memory://") {
    try {
      return { ...(await runCommand(command, args, context)), via: "local" };
    } finally {
      await closeDatabase();
    }
  }
  const holder = readLock(e.PGLITE_DATA_DIR);
  if (holder?.role === "app") {
    if (!holder.port || !holder.token) {
      return { ok: false, via: "app", error: "The app is starting and holds the database; try again in a moment." };
    }
    try {
      return { ...(await sendToApp(holder.port, holder.token, command, args)), via: "app" };
    } catch (error) {
      return {
        ok: false,
        via: "app",
        error: `The running app (pid ${holder.pid}) holds the database but did not answer: ${(error as Error).message}`,
      };
    }
  }
  let lock;
  try {
    lock = acquireLock(e.PGLITE_DATA_DIR, "cli");
  } catch (error) {
    if (error instanceof FolderInUseError) return { ok: false, via: "local", error: error.message };
    throw error;
  }
  try {
    await migrateDatabase();
    return { ...(await runCommand(command, args, context)), via: "local" };
  } finally {
    await closeDatabase();
    lock.release();
  }
}
