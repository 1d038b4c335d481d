import { describe, expect, it } from "vitest";
import { fakeAdmin } from "../../test/admin-schema";
import { uniqueShop } from "../../test/shopify";
import prisma from "../db.server";
import { syncShopInfo } from "./shop-info.server";
import { recordInstall } from "./shops.server";

describe("syncShopInfo", () => {
  it("copies name, currency, time zone and primary locale from the Admin API", async () => {
    const shop = uniqueShop();
    await recordInstall(shop, "read_orders");
    const admin = fakeAdmin(() => ({
      shop: {
        id: "gid://shopify/Shop/548380009",
        name: "Maison Lumière",
        email: "owner@example.com",
        currencyCode: "EUR",
        ianaTimezone: "Europe/Paris",
      },
      shopLocales: [
        { locale: "en", primary: false },
        { locale: "fr", primary: true },
      ],
    }));
    await syncShopInfo(shop, admin.graphql);
    expect(admin.calls).toHaveLength(1);
    const stored = await prisma.shop.findUniqueOrThrow({ where: { domain: shop } });
    expect(stored).toMatchObject({
      shopifyGid: "gid://shopify/Shop/548380009",
      name: "Maison Lumière",
      currency: "EUR",
      timezone: "Europe/Paris",
      primaryLocale: "fr",
    });
  });
});
