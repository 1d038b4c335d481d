import { z } from "zod";

/** A Shopify numeric id as sent in REST payloads (number, exact bigint, or digits), as bigint. */
export const ShopifyIdSchema = z
  .union([z.number().int().nonnegative(), z.bigint().nonnegative(), z.string().regex(/^\d+$/)])
  .transform((v) => BigInt(v));

/** The numeric id inside a GraphQL global id: gid://shopify/Order/123 -> 123n. */
export function idFromGid(gid: string, type?: string): bigint {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(\?.*)?$/.exec(gid);
  if (!match || (type && match[1] !== type)) {
    throw new Error(`Not a Shopify ${type ?? ""} global id: ${gid}`.replace("  ", " "));
  }
  return BigInt(match[2]!);
}
