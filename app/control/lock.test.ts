import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { acquireLock, FolderInUseError, lockPath, publishControlPort, readLock } from "./lock.server";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dataDir() {
  const root = mkdtempSync(path.join(tmpdir(), "nps-lock-"));
  dirs.push(root);
  return path.join(root, "pglite");
}

describe("the data folder lock", () => {
  it("lets one process hold the folder and tells others who holds it", () => {
    const dir = dataDir();
    const held = acquireLock(dir, "app");
    expect(() => acquireLock(dir, "cli")).toThrow(FolderInUseError);
    expect(readLock(dir)).toMatchObject({ pid: process.pid, role: "app" });
    held.release();
    expect(readLock(dir)).toBeNull();
    acquireLock(dir, "cli").release();
  });

  it("replaces the lock of a process that died without releasing it", () => {
    const dir = dataDir();
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid!;
    writeFileSync(lockPath(dir), JSON.stringify({ pid: dead, role: "app", port: 1, token: "x", startedAt: "" }));
    expect(readLock(dir)).toBeNull();
    const held = acquireLock(dir, "app");
    expect(readLock(dir)?.pid).toBe(process.pid);
    held.release();
  });

  it("publishes the control port for CLI commands, readable only by the owner", () => {
    const dir = dataDir();
    const held = acquireLock(dir, "app");
    publishControlPort(dir, held.lock, 40123);
    expect(readLock(dir)).toMatchObject({ port: 40123, token: held.lock.token });
    expect(JSON.parse(readFileSync(lockPath(dir), "utf8")).token).toHaveLength(64);
    held.release();
  });
});
