import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { env } from "../env.server";

/**
 * Names the shop a message was sent for, so that a shop's erasure finds its outbox messages
 * without matching another shop whose domain contains this one's.
 */
export const SHOP_HEADER = "X-NPS-Shop";

export interface Mailer {
  /** Where messages go, for logs: an SMTP host or the outbox folder. */
  readonly target: string;
  send(message: Mail.Options): Promise<{ messageId: string }>;
}

/** SMTP through nodemailer (SMTP_URL). */
export function smtpMailer(url: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    target: new URL(url).host,
    send: async (message) => ({ messageId: (await transport.sendMail(message)).messageId }),
  };
}

/** No SMTP_URL: each message becomes an .eml file in the outbox folder, readable by any mail program. */
export function outboxMailer(dir: string): Mailer {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  return {
    target: dir,
    send: async (message) => {
      const info = await transport.sendMail(message);
      await mkdir(dir, { recursive: true });
      const id = info.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9@._-]/g, "_");
      await writeFile(
        path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${id}.eml`),
        info.message as Buffer,
      );
      return { messageId: info.messageId };
    },
  };
}

let cached: Mailer | undefined;
export function mailer(): Mailer {
  cached ??= env().SMTP_URL ? smtpMailer(env().SMTP_URL!) : outboxMailer(env().OUTBOX_DIR);
  return cached;
}
