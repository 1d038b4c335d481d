import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * Only one process may open a PGlite data folder. The process that holds it writes this
 * file beside the folder; the app adds the loopback port and secret of its control
 * endpoint, so that CLI commands are handed to it instead of opening the folder.
 */
export const LockSchema = z.object({
  pid: z.number().int().positive(),
  role: z.enum(["app", "cli"]),
  port: z.number().int().positive().nullable(),
  token: z.string().nullable(),
  startedAt: z.string(),
});
export type Lock = z.infer<typeof LockSchema>;

export function lockPath(dataDir: string): string {
  return path.join(path.dirname(dataDir), `${path.basename(dataDir)}.lock.json`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The lock of a live process, or null (no file, unreadable file, or its process is gone). */
export function readLock(dataDir: string): Lock | null {
  try {
    const lock = LockSchema.parse(JSON.parse(readFileSync(lockPath(dataDir), "utf8")));
    return isAlive(lock.pid) ? lock : null;
  } catch {
    return null;
  }
}

export class FolderInUseError extends Error {
  constructor(
    public readonly dataDir: string,
    public readonly holder: Lock,
  ) {
    super(
      `The database folder ${dataDir} is in use by ${holder.role === "app" ? "the running app" : "a CLI command"} (pid ${holder.pid}).`,
    );
  }
}

/** Takes the folder for this process, replacing a stale lock; throws FolderInUseError if a live process holds it. */
export function acquireLock(dataDir: string, role: Lock["role"]): { lock: Lock; release: () => void } {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  const file = lockPath(dataDir);
  const lock: Lock = {
    pid: process.pid,
    role,
    port: null,
    token: role === "app" ? randomBytes(32).toString("hex") : null,
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx", 0o600);
      writeSync(fd, JSON.stringify(lock));
      closeSync(fd);
      return { lock, release: () => releaseLock(dataDir) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readLock(dataDir);
      if (holder) throw new FolderInUseError(dataDir, holder);
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${file}.`);
}

/** Records the control endpoint's port in this process's lock. */
export function publishControlPort(dataDir: string, lock: Lock, port: number): Lock {
  const updated = { ...lock, port };
  const file = lockPath(dataDir);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  writeSync(fd, JSON.stringify(updated));
  closeSync(fd);
  // rename replaces atomically: a reader sees the old lock or the new one, never half of one.
  renameSync(tmp, file);
  return updated;
}

export function releaseLock(dataDir: string): void {
  try {
    const current = LockSchema.parse(JSON.parse(readFileSync(lockPath(dataDir), "utf8")));
    if (current.pid === process.pid) rmSync(lockPath(dataDir), { force: true });
  } catch {
    // No lock, or not ours: nothing to release.
  }
}
