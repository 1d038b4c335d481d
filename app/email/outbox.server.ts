import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { env } from "../env.server";

/**
 * Deletes the outbox's messages (the `.eml` files written when there is no SMTP_URL) that
 * mention any of `needles`, compared case-insensitively with the decoded headers, text and
 * HTML: names and addresses may be MIME-encoded in the raw file. Returns how many went.
 */
export async function eraseFromOutbox(needles: string[], dir: string = env().OUTBOX_DIR): Promise<number> {
  const wanted = [...new Set(needles.map((n) => n.trim().toLowerCase()).filter((n) => n.length >= 3))];
  if (wanted.length === 0) return 0;
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => f.endsWith(".eml"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return 0;
    throw error;
  }
  let erased = 0;
  for (const file of files) {
    const full = path.join(dir, file);
    const raw = await readFile(full).catch(() => null);
    if (!raw) continue;
    const mail = await simpleParser(raw);
    const headers = [...mail.headers.entries()].map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
    const haystack = [raw.toString("utf8"), ...headers, mail.text ?? "", typeof mail.html === "string" ? mail.html : ""]
      .join("\n")
      .toLowerCase();
    if (wanted.some((n) => haystack.includes(n))) {
      await rm(full, { force: true });
      erased++;
    }
  }
  return erased;
}
