import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { simpleParser } from "mailparser";
import { env } from "../env.server";
import { SHOP_HEADER } from "./mailer.server";

/**
 * Deletes the shop's messages in the outbox (the `.eml` files written when there is no
 * SMTP_URL): those whose shop header names exactly this shop and, when `needles` are given,
 * that mention one of them, compared case-insensitively with the decoded headers, text and
 * HTML (names and addresses may be MIME-encoded in the raw file). Without needles, every
 * message of the shop goes. Another shop's messages are never read for a match.
 * Returns how many went.
 */
export async function eraseFromOutbox(
  shop: string,
  needles?: string[],
  dir: string = env().OUTBOX_DIR,
): Promise<number> {
  const wanted = needles && [...new Set(needles.map((n) => n.trim().toLowerCase()).filter((n) => n.length >= 3))];
  if (wanted && wanted.length === 0) return 0;
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
    const shopHeader = mail.headers.get(SHOP_HEADER.toLowerCase());
    if (typeof shopHeader !== "string" || shopHeader.trim().toLowerCase() !== shop.toLowerCase()) continue;
    if (wanted) {
      const headers = [...mail.headers.entries()].map(([name, value]) => `${name}: ${JSON.stringify(value)}`);
      const haystack = [
        raw.toString("utf8"),
        ...headers,
        mail.text ?? "",
        typeof mail.html === "string" ? mail.html : "",
      ]
        .join("\n")
        .toLowerCase();
      if (!wanted.some((n) => haystack.includes(n))) continue;
    }
    await rm(full, { force: true });
    erased++;
  }
  return erased;
}
