import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "../env.server";

/**
 * Secrets that merchants enter (a Slack webhook URL, API keys) are stored encrypted with
 * AES-256-GCM under APP_ENCRYPTION_KEY: a copy of the database alone does not give them away.
 * Stored form: `enc:v1:<base64 of 12-byte IV, 16-byte tag, ciphertext>`.
 */
const PREFIX = "enc:v1:";

/** Where the demo and development keep a generated key when APP_ENCRYPTION_KEY is unset. */
export const GENERATED_KEY_FILE = path.resolve("data", "encryption.key");

function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  return /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, "hex") : Buffer.from(trimmed, "base64");
}

let cachedKey: Buffer | undefined;

/**
 * The key from APP_ENCRYPTION_KEY. In production it must be set (a key generated on one
 * machine would be lost with it); the demo and development generate one into the data folder.
 */
export function encryptionKey(): Buffer {
  if (cachedKey) return cachedKey;
  const e = env();
  if (e.APP_ENCRYPTION_KEY) return (cachedKey = decodeKey(e.APP_ENCRYPTION_KEY));
  if (e.NODE_ENV === "production" && !e.DEMO_MODE) {
    throw new Error(
      "APP_ENCRYPTION_KEY is not set: it encrypts the secrets merchants enter. Generate one with `openssl rand -base64 32`.",
    );
  }
  if (!existsSync(GENERATED_KEY_FILE)) {
    mkdirSync(path.dirname(GENERATED_KEY_FILE), { recursive: true });
    try {
      writeFileSync(GENERATED_KEY_FILE, `${randomBytes(32).toString("base64")}\n`, { flag: "wx", mode: 0o600 });
    } catch (error) {
      // Another process of the app wrote it first: use theirs.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  chmodSync(GENERATED_KEY_FILE, 0o600);
  return (cachedKey = decodeKey(readFileSync(GENERATED_KEY_FILE, "utf8")));
}

export function isEncrypted(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

export function encryptSecret(plain: string, key: Buffer = encryptionKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
}

/** The plain secret; a value stored before encryption existed is returned as it is. */
export function decryptSecret(stored: string, key: Buffer = encryptionKey()): string {
  if (!isEncrypted(stored)) return stored;
  const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  try {
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("A stored secret could not be decrypted: APP_ENCRYPTION_KEY is not the key it was saved with.");
  }
}
