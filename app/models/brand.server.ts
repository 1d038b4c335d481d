import { z } from "zod";
import { API_VERSION } from "../api-version";
import prisma from "../db.server";
import { type ShopBrand, ShopBrandSchema, surveyPalette, type SurveyPalette } from "../domain/brand";
import { readSettings } from "../domain/settings";
import { logger } from "../logger.server";

/**
 * Shopify's Storefront API for one shop: `shop.brand` needs no token
 * (tokenless access). Tests pass a fake that checks each document against the schema.
 */
export type StorefrontGraphql = (query: string) => Promise<Response>;

export function storefrontApi(shop: string): StorefrontGraphql {
  return (query) =>
    fetch(`https://${shop}/api/${API_VERSION}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ query }),
      redirect: "error",
      signal: AbortSignal.timeout(10_000),
    });
}

/** The shop's brand (Settings → Brand in the Shopify admin). Checked against the Storefront schema in tests. */
export const SHOP_BRAND_QUERY = `#storefront
  query ShopBrand {
    shop {
      brand {
        colors {
          primary {
            background
            foreground
          }
        }
        logo {
          image {
            url(transform: { maxHeight: 80, preferredContentType: PNG })
          }
        }
      }
    }
  }
`;

const ShopBrandResponseSchema = z.object({
  errors: z.array(z.object({ message: z.string() })).optional(),
  data: z.object({
    shop: z.object({
      brand: z
        .object({
          colors: z.object({
            primary: z.array(z.object({ background: z.string().nullable(), foreground: z.string().nullable() })),
          }),
          logo: z.object({ image: z.object({ url: z.string() }).nullable() }).nullable(),
        })
        .nullable(),
    }),
  }),
});

/** A colour or address from Shopify that the app cannot use becomes "none" rather than an error. */
function usable<T>(schema: z.ZodType<T>, value: unknown): T | null {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * Reads the shop's brand colours and logo from Shopify and keeps them; the survey page,
 * the emails and the storefront block draw on them. Throws when Shopify cannot be read.
 */
export async function syncShopBrand(shop: string, storefront: StorefrontGraphql = storefrontApi(shop)) {
  const response = await storefront(SHOP_BRAND_QUERY);
  if (!response.ok) throw new Error(`Shopify's Storefront API answered ${response.status}`);
  const parsed = ShopBrandResponseSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new Error("Shopify's answer did not have the shop's brand in it");
  const body = parsed.data;
  // A partial answer with errors would store an empty brand over a good one.
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  const brand = body.data.shop.brand;
  const primary = brand?.colors.primary[0];
  const kept: ShopBrand = {
    primary: usable(ShopBrandSchema.shape.primary, primary?.background),
    onPrimary: usable(ShopBrandSchema.shape.onPrimary, primary?.foreground),
    logoUrl: usable(ShopBrandSchema.shape.logoUrl, brand?.logo?.image?.url),
  };
  await prisma.shop.update({ where: { domain: shop }, data: { brand: kept, brandSyncedAt: new Date() } });
  return kept;
}

/** Keeps the brand current without holding up a page: failures are logged, the stored brand stays. */
export async function refreshShopBrand(shop: string, storefront?: StorefrontGraphql): Promise<void> {
  try {
    await syncShopBrand(shop, storefront);
  } catch (error) {
    logger.warn({ shop, err: (error as Error).message }, "could not read the shop's brand from Shopify");
  }
}

/** Every installed shop's brand, read again one after another (the demo shop has none in Shopify). */
export async function refreshAllShopBrands(): Promise<number> {
  const shops = await prisma.shop.findMany({ where: { uninstalledAt: null, isDemo: false }, select: { domain: true } });
  for (const { domain } of shops) await refreshShopBrand(domain);
  return shops.length;
}

export function readShopBrand(stored: unknown): ShopBrand | null {
  const parsed = ShopBrandSchema.safeParse(stored);
  return parsed.success ? parsed.data : null;
}

/** The colours and logo a shop's surveys are drawn in. */
export async function loadSurveyPalette(shop: string): Promise<SurveyPalette> {
  const row = await prisma.shop.findUnique({ where: { domain: shop }, select: { brand: true, settings: true } });
  return surveyPalette(readShopBrand(row?.brand), readSettings(row?.settings).branding);
}

/** The brand is read again from Shopify when Settings → Branding opens, at most this often. */
const REFRESH_MS = 3_600_000;

/**
 * What Settings → Branding shows: the brand as stored (read again from Shopify in the
 * background when older than an hour, unless `offline`), the branding settings, the shop's name.
 */
export async function loadBranding(shop: string, options: { offline: boolean }) {
  const synced = await prisma.shop.findUnique({ where: { domain: shop }, select: { brandSyncedAt: true } });
  // In the background: the page shows the stored brand now, never waits on Shopify.
  if (!options.offline && (!synced?.brandSyncedAt || Date.now() - synced.brandSyncedAt.getTime() > REFRESH_MS)) {
    void refreshShopBrand(shop);
  }
  const row = await prisma.shop.findUnique({
    where: { domain: shop },
    select: { brand: true, brandSyncedAt: true, name: true, settings: true },
  });
  return {
    branding: readSettings(row?.settings).branding,
    brand: readShopBrand(row?.brand),
    syncedAt: row?.brandSyncedAt?.toISOString() ?? null,
    shopName: row?.name ?? shop.replace(/\.myshopify\.com$/, ""),
  };
}
