import prisma from "../db.server";
import { initialSettings, readSettings, type ShopSettings, ShopSettingsSchema } from "../domain/settings";
import { AdvocacySettingsSchema } from "../domain/advocacy";
import { BrandingSettingsSchema } from "../domain/brand";
import { env } from "../env.server";
import type { Prisma } from "../generated/prisma/client";

type Tx = Prisma.TransactionClient;

/** Settings a new shop starts with: the defaults, with the operator's SURVEY_* delays. */
export function newShopSettings(): ShopSettings {
  return initialSettings({ preDelay: env().SURVEY_PRE_DELAY, postDelay: env().SURVEY_POST_DELAY });
}

/** Creates the shop row if this app has not seen the shop before. */
export async function ensureShop(shop: string, tx: Tx = prisma): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO shops (domain, settings, updated_at) VALUES (${shop}, ${JSON.stringify(newShopSettings())}::jsonb, now())
    ON CONFLICT (domain) DO NOTHING`;
}

export async function getShopSettings(shop: string, tx: Tx = prisma): Promise<ShopSettings> {
  const row = await tx.shop.findUnique({ where: { domain: shop }, select: { settings: true } });
  return readSettings(row?.settings);
}

/** After OAuth or token exchange: the shop is (again) installed. */
export async function recordInstall(shop: string, scopes: string | null): Promise<void> {
  await prisma.shop.upsert({
    where: { domain: shop },
    create: { domain: shop, scopes, settings: newShopSettings() },
    update: { scopes, uninstalledAt: null, installedAt: new Date() },
  });
}

/** app/uninstalled: keep the shop's data (shop/redact deletes it 48 hours later), drop its sessions. */
export async function markUninstalled(shop: string, tx: Tx = prisma): Promise<void> {
  await ensureShop(shop, tx);
  await tx.shop.update({ where: { domain: shop }, data: { uninstalledAt: new Date() } });
  await tx.session.deleteMany({ where: { shop } });
}

/** app/scopes_update: the merchant granted or revoked access scopes. */
export async function updateScopes(shop: string, scopes: string[], tx: Tx = prisma): Promise<void> {
  const scope = scopes.join(",");
  await ensureShop(shop, tx);
  await tx.shop.update({ where: { domain: shop }, data: { scopes: scope } });
  await tx.session.updateMany({ where: { shop }, data: { scope } });
}

export async function findShop(shop: string) {
  return prisma.shop.findUnique({ where: { domain: shop } });
}

export type SettingsErrors = Record<string, string>;

/**
 * Replaces the shop's settings after validating them, all but the share step's and the
 * branding (saved by saveAdvocacySettings and saveBrandingSettings). Returns the field errors (keyed by path, such as
 * `questions.fr.PROMOTER`) and changes nothing when any value is invalid.
 */
export async function saveShopSettings(
  shop: string,
  input: unknown,
): Promise<{ ok: true; settings: ShopSettings } | { ok: false; errors: SettingsErrors }> {
  const parsed = ShopSettingsSchema.safeParse(input);
  if (!parsed.success) {
    const errors: SettingsErrors = {};
    for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message;
    return { ok: false, errors };
  }
  // The share step and the branding have pages of their own: a save of this one (perhaps
  // from an older tab) keeps them.
  const settings = await prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<Array<{ settings: unknown }>>`
      SELECT settings FROM shops WHERE domain = ${shop} FOR NO KEY UPDATE`;
    const stored = readSettings(rows[0]?.settings);
    const kept = { ...parsed.data, advocacy: stored.advocacy, branding: stored.branding };
    await tx.shop.update({ where: { domain: shop }, data: { settings: kept } });
    // The setup guide's "survey texts and delays reviewed".
    const now = new Date();
    await tx.shopSetup.upsert({
      where: { shop },
      create: { shop, settingsSavedAt: now },
      update: { settingsSavedAt: now },
    });
    return kept;
  });
  return { ok: true, settings };
}

/** The settings that have pages of their own, saved apart from the main Settings page. */
const SECTIONS = { advocacy: AdvocacySettingsSchema, branding: BrandingSettingsSchema } as const;
type Section = keyof typeof SECTIONS;

/**
 * Replaces one section of the shop's settings (the share step, the branding), leaving the
 * others as they are. Field errors are keyed by path (`referral.value`); nothing changes
 * when any is invalid.
 */
async function saveSettingsSection<K extends Section>(
  shop: string,
  key: K,
  input: unknown,
): Promise<{ ok: true; value: ShopSettings[K] } | { ok: false; errors: SettingsErrors }> {
  const parsed = SECTIONS[key].safeParse(input);
  if (!parsed.success) {
    const errors: SettingsErrors = {};
    for (const issue of parsed.error.issues) errors[issue.path.join(".")] ??= issue.message;
    return { ok: false, errors };
  }
  await prisma.$transaction(async (tx) => {
    // Read and write in one go: a save of the other settings at the same time is not undone.
    const rows = await tx.$queryRaw<Array<{ settings: unknown }>>`
      SELECT settings FROM shops WHERE domain = ${shop} FOR NO KEY UPDATE`;
    const settings = { ...readSettings(rows[0]?.settings), [key]: parsed.data };
    await tx.shop.update({ where: { domain: shop }, data: { settings } });
  });
  return { ok: true, value: parsed.data as ShopSettings[K] };
}

export async function saveAdvocacySettings(shop: string, input: unknown) {
  const saved = await saveSettingsSection(shop, "advocacy", input);
  return saved.ok ? { ok: true as const, advocacy: saved.value } : saved;
}

export async function saveBrandingSettings(shop: string, input: unknown) {
  const saved = await saveSettingsSection(shop, "branding", input);
  return saved.ok ? { ok: true as const, branding: saved.value } : saved;
}
