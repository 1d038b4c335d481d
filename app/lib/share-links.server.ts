import { createHmac, timingSafeEqual } from "node:crypto";
import { encryptionKey } from "./secrets.server";

/**
 * Where a share-step link leads: the answer's review page, the store with the promoter's code,
 * or (in the share email) the page that stops the shop's emails to the answer's address.
 */
export type ShareLinkKind = "review" | "share" | "unsubscribe";

// A key of its own, derived from the app's encryption key: a link signature never reveals it.
let cached: Buffer | undefined;
const linkKey = () => (cached ??= createHmac("sha256", encryptionKey()).update("nps share links v1").digest());

const sign = (shop: string, responseId: number, kind: ShareLinkKind) =>
  createHmac("sha256", linkKey())
    .update(`${shop}\n${responseId}\n${kind}`)
    .digest()
    .subarray(0, 16)
    .toString("base64url");

/**
 * The path segment of a share-step link: `<answer id>.<kind>.<signature>`. The signature binds
 * the shop, the answer and the kind, so ids cannot be walked to find other promoters' codes,
 * and the link carries no address: where it leads is decided by the app when it is followed.
 */
export function signShareLink(shop: string, responseId: number, kind: ShareLinkKind): string {
  return `${responseId}.${kind}.${sign(shop, responseId, kind)}`;
}

/** The answer and kind a link was signed for in this shop, or null for anything else. */
export function verifyShareLink(shop: string, link: string): { responseId: number; kind: ShareLinkKind } | null {
  const match = /^(\d{1,10})\.(review|share|unsubscribe)\.([A-Za-z0-9_-]{22})$/.exec(link);
  if (!match) return null;
  const responseId = Number(match[1]);
  if (responseId > 2_147_483_647) return null;
  const kind = match[2] as ShareLinkKind;
  const expected = Buffer.from(sign(shop, responseId, kind));
  const given = Buffer.from(match[3]!);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { responseId, kind } : null;
}
