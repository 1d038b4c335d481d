import { z } from "zod";
import { knownTimeZone } from "../domain/time-zone";
import prisma from "../db.server";
import { adminQuery, type AdminGraphql } from "../lib/admin-graphql";

export const SHOP_INFO_QUERY = `#graphql
  query ShopInfo {
    shop {
      id
      name
      email
      currencyCode
      ianaTimezone
    }
    shopLocales(published: true) {
      locale
      primary
    }
  }
`;

const ShopInfoSchema = z.object({
  shop: z.object({
    id: z.string().startsWith("gid://shopify/Shop/"),
    name: z.string(),
    email: z.string().nullable(),
    currencyCode: z.string(),
    ianaTimezone: z.string(),
  }),
  shopLocales: z.array(z.object({ locale: z.string(), primary: z.boolean() })),
});

/**
 * Copies the shop's name, currency, time zone and primary locale from the Admin API:
 * the fallback language for shoppers and the currency every amount is in.
 */
export async function syncShopInfo(shop: string, graphql: AdminGraphql) {
  const data = ShopInfoSchema.parse(await adminQuery(graphql, SHOP_INFO_QUERY));
  const primaryLocale = data.shopLocales.find((l) => l.primary)?.locale ?? "en";
  return prisma.shop.update({
    where: { domain: shop },
    data: {
      shopifyGid: data.shop.id,
      name: data.shop.name,
      email: data.shop.email,
      currency: data.shop.currencyCode,
      // Dashboards count days in this zone, in SQL too: a name the runtime does not know is not kept.
      timezone: knownTimeZone(data.shop.ianaTimezone),
      primaryLocale,
    },
  });
}
