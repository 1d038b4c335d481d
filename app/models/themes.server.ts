import prisma from "../db.server";
import type { Prisma } from "../generated/prisma/client";
import { SHOPPER_LOCALES } from "../domain/shopper-locales";
import { DEFAULT_THEMES, type PerLanguage, type ThemeDefinition, type ThemeInput } from "../domain/theme-taxonomy";
import { compileThemeClassifier, loadLanguageDetector, type ThemeClassifier } from "../domain/themes";
import { refreshOutcomeMonths } from "./customer-worth.server";

type Tx = Prisma.TransactionClient;

function perLanguage<T>(value: unknown, fallback: PerLanguage<T>, valid: (v: unknown) => v is T): PerLanguage<T> {
  const source = (value ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    SHOPPER_LOCALES.map((l) => [l, valid(source[l]) ? source[l] : fallback[l]]),
  ) as PerLanguage<T>;
}
const isText = (v: unknown): v is string => typeof v === "string";
const isTexts = (v: unknown): v is string[] => Array.isArray(v) && v.every(isText);
const EMPTY_TEXTS: PerLanguage<string> = { en: "", fr: "", de: "", es: "", nl: "" };
const NO_PHRASES: PerLanguage<string[]> = { en: [], fr: [], de: [], es: [], nl: [] };

/**
 * The shop's themes, in order: the defaults, each replaced by the shop's row of the same key,
 * then the shop's own themes by position.
 */
export async function listShopThemes(shop: string, tx: Tx = prisma): Promise<ThemeDefinition[]> {
  const rows = await tx.shopTheme.findMany({ where: { shop }, orderBy: [{ position: "asc" }, { key: "asc" }] });
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const fromRow = (row: (typeof rows)[number], base?: ThemeDefinition): ThemeDefinition => ({
    key: row.key,
    enabled: row.enabled,
    label: perLanguage(row.label, base?.label ?? EMPTY_TEXTS, isText),
    description: perLanguage(row.description, base?.description ?? EMPTY_TEXTS, isText),
    phrases: perLanguage(row.phrases, base?.phrases ?? NO_PHRASES, isTexts),
  });
  const defaults = DEFAULT_THEMES.map((theme) => {
    const row = byKey.get(theme.key);
    return row ? fromRow(row, theme) : theme;
  });
  const own = rows.filter((r) => !DEFAULT_THEMES.some((t) => t.key === r.key)).map((r) => fromRow(r));
  return [...defaults, ...own];
}

// Compiled classifiers by shop, for the taxonomy version they were compiled from.
const compiled = new Map<string, { version: number; classifier: ThemeClassifier }>();
const MAX_COMPILED = 200;

async function classifierFor(tx: Tx, shop: string, version: number): Promise<ThemeClassifier> {
  const cached = compiled.get(shop);
  if (cached?.version === version) return cached.classifier;
  const classifier = compileThemeClassifier(await listShopThemes(shop, tx));
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
  compiled.set(shop, { version, classifier });
  return classifier;
}

/**
 * Classifies up to `limit` pending comments, newest first, and stores their themes with the
 * words that matched, in one transaction. Rows another worker holds are skipped; a comment
 * edited or a taxonomy changed meanwhile is pending again once this commits. Returns how many
 * comments were classified.
 */
export async function classifyPendingComments(limit = 1000): Promise<number> {
  await loadLanguageDetector();
  const { read, settled } = await prisma.$transaction(
    async (tx) => {
      const pending = await tx.$queryRaw<
        Array<{ response_id: number; shop: string; comment: string | null; locale: string | null; version: number }>
      >`
        SELECT c.response_id, c.shop, r.comment, r.locale, s.themes_version AS version
        FROM comment_classifications c
        JOIN responses r ON r.id = c.response_id
        JOIN shops s ON s.domain = c.shop
        WHERE c.pending
        ORDER BY c.response_id DESC
        LIMIT ${limit}
        FOR UPDATE OF c SKIP LOCKED`;
      if (pending.length === 0) return { read: 0, settled: [] };
      const ids: number[] = [];
      const languages: string[] = [];
      const counts: number[] = [];
      const themeIds: number[] = [];
      const themes: string[] = [];
      const words: string[] = [];
      for (const row of pending) {
        const classifier = await classifierFor(tx, row.shop, row.version);
        const result = classifier.classify(row.comment ?? "", row.locale);
        ids.push(row.response_id);
        languages.push(result.language);
        counts.push(result.themes.length);
        for (const theme of result.themes) {
          themeIds.push(row.response_id);
          themes.push(theme);
          words.push(JSON.stringify(result.matched[theme] ?? []));
        }
      }
      // Only what changed is written: a theme the comment no longer has goes, a new one comes,
      // one kept has its words (and its answer's facts, should they have drifted) updated if
      // they differ. An answer changed while this runs can leave a theme inserted here with
      // its old facts, unseen by the trigger that copies them (locking the answers would risk
      // deadlocks with RFM's mass updates): syncThemeFacts, daily, puts them right. Read again
      // after a change of themes, most comments keep their themes, and the theme rollups'
      // triggers then have nothing to count (deleting and inserting every row made reading all
      // comments again 6 times slower).
      await tx.$executeRaw`
        DELETE FROM response_themes rt
        WHERE rt.response_id = ANY(${ids}::int[])
          AND (rt.response_id, rt.theme) NOT IN (SELECT * FROM unnest(${themeIds}::int[], ${themes}::text[]))`;
      if (themes.length > 0) {
        await tx.$executeRaw`
          INSERT INTO response_themes AS rt (response_id, shop, theme, words, answered_day, stage, channel, country_code,
                                             segment, category, vendors)
          SELECT t.id, r.shop, t.theme, ARRAY(SELECT jsonb_array_elements_text(t.words::jsonb)), r.answered_day,
                 r.stage, r.channel, r.country_code, r.segment, r.category, r.vendors
          FROM unnest(${themeIds}::int[], ${themes}::text[], ${words}::text[]) AS t(id, theme, words)
          JOIN responses r ON r.id = t.id
          ON CONFLICT (response_id, theme) DO UPDATE SET
            words = EXCLUDED.words, answered_day = EXCLUDED.answered_day, stage = EXCLUDED.stage,
            channel = EXCLUDED.channel, country_code = EXCLUDED.country_code, segment = EXCLUDED.segment,
            category = EXCLUDED.category, vendors = EXCLUDED.vendors
          WHERE (rt.words, rt.answered_day, rt.stage, rt.channel, rt.country_code, rt.segment, rt.category, rt.vendors)
                IS DISTINCT FROM (EXCLUDED.words, EXCLUDED.answered_day, EXCLUDED.stage, EXCLUDED.channel,
                                  EXCLUDED.country_code, EXCLUDED.segment, EXCLUDED.category, EXCLUDED.vendors)`;
      }
      await tx.$executeRaw`
        UPDATE comment_classifications c
        SET pending = false, language = u.language, themes = u.themes, classified_at = now()
        FROM unnest(${ids}::int[], ${languages}::text[], ${counts}::smallint[]) AS u(id, language, themes)
        WHERE c.response_id = u.id`;
      // The Value page's sums by theme are rebuilt once a shop's older comments (those with
      // outcomes) have all been read again, after a change of themes; else with the daily
      // refresh. After this commits, so that the comments taken here (any shop's) are not held
      // while a large shop's sums are rebuilt.
      const settled = await tx.$queryRaw<Array<{ shop: string }>>`
        SELECT DISTINCT x.shop FROM answer_outcomes x
        WHERE x.response_id = ANY(${ids}::int[])
          AND NOT EXISTS (SELECT 1 FROM comment_classifications c WHERE c.pending AND c.shop = x.shop)`;
      return { read: pending.length, settled };
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
  for (const { shop } of settled) {
    await prisma.$transaction((tx) => refreshOutcomeMonths(tx, shop), { timeout: 300_000 });
  }
  return read;
}

export interface ThemeProgress {
  /** Answers with a comment. */
  comments: number;
  /** Of those, waiting to be classified (new, edited, or after a change of themes). */
  pending: number;
}

export async function readThemeProgress(shop: string): Promise<ThemeProgress> {
  const [row] = await prisma.$queryRaw<ThemeProgress[]>`
    SELECT count(*)::int AS comments, count(*) FILTER (WHERE pending)::int AS pending
    FROM comment_classifications WHERE shop = ${shop}`;
  return row ?? { comments: 0, pending: 0 };
}

export interface ThemePreview {
  /** The latest comments the preview read (at most PREVIEW_COMMENTS). */
  read: number;
  /** All the shop's comments, which saving reads again. */
  comments: number;
  added: number;
  removed: number;
  /** A few comments the change would add the theme to, or take it from, with the words matched. */
  addedExamples: Array<{ comment: string; words: string[] }>;
  removedExamples: Array<{ comment: string; words: string[] }>;
}

const PREVIEW_COMMENTS = 5000;
const PREVIEW_EXAMPLES = 5;
const PREVIEW_YIELD_EVERY = 250;

/**
 * What saving a theme would change, measured on the shop's latest comments: how many would gain
 * the theme or lose it, with examples. Classifies them with the shop's themes as they are and
 * as they would be (no write).
 */
export async function previewThemeChange(shop: string, theme: ThemeDefinition): Promise<ThemePreview> {
  const current = await listShopThemes(shop);
  const proposed = current.some((t) => t.key === theme.key)
    ? current.map((t) => (t.key === theme.key ? theme : t))
    : [...current, theme];
  const [rows, progress] = await Promise.all([
    prisma.$queryRaw<Array<{ comment: string; locale: string | null }>>`
      SELECT r.comment, r.locale FROM comment_classifications c JOIN responses r ON r.id = c.response_id
      WHERE c.shop = ${shop} ORDER BY c.response_id DESC LIMIT ${PREVIEW_COMMENTS}`,
    readThemeProgress(shop),
  ]);
  await loadLanguageDetector();
  const before = compileThemeClassifier(current);
  const after = compileThemeClassifier(proposed);
  const preview: ThemePreview = {
    read: rows.length,
    comments: progress.comments,
    added: 0,
    removed: 0,
    addedExamples: [],
    removedExamples: [],
  };
  for (const [n, row] of rows.entries()) {
    // Other requests go on meanwhile: a preview of 5,000 comments is not one block of work.
    if (n > 0 && n % PREVIEW_YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    const was = before.classify(row.comment, row.locale);
    const will = after.classify(row.comment, row.locale);
    const had = was.themes.includes(theme.key);
    const has = will.themes.includes(theme.key);
    if (has && !had) {
      preview.added++;
      if (preview.addedExamples.length < PREVIEW_EXAMPLES)
        preview.addedExamples.push({ comment: row.comment, words: will.matched[theme.key] ?? [] });
    } else if (had && !has) {
      preview.removed++;
      if (preview.removedExamples.length < PREVIEW_EXAMPLES)
        preview.removedExamples.push({ comment: row.comment, words: was.matched[theme.key] ?? [] });
    }
  }
  return preview;
}

/** A new taxonomy: classifiers compiled from the old one are stale, and every comment is read again. */
async function reclassifyAll(tx: Tx, shop: string) {
  await tx.$executeRaw`UPDATE shops SET themes_version = themes_version + 1 WHERE domain = ${shop}`;
  await tx.$executeRaw`
    UPDATE comment_classifications SET pending = true WHERE shop = ${shop} AND NOT pending`;
}

/**
 * Saves a theme of the shop (a change to a default one, or its own) and has every comment read
 * again. The caller wakes the worker.
 */
export async function saveShopTheme(shop: string, theme: ThemeInput): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const position = DEFAULT_THEMES.findIndex((t) => t.key === theme.key);
    const last = await tx.shopTheme.aggregate({ where: { shop }, _max: { position: true } });
    const data = {
      label: theme.label,
      description: theme.description,
      phrases: theme.phrases,
      enabled: theme.enabled,
    };
    await tx.shopTheme.upsert({
      where: { shop_key: { shop, key: theme.key } },
      create: { shop, key: theme.key, ...data, position: position >= 0 ? 0 : (last._max.position ?? 0) + 1 },
      update: data,
    });
    await reclassifyAll(tx, shop);
  });
}

/**
 * Takes back the shop's change: a default theme returns to the default, a theme of the shop's
 * own is deleted. Returns false when there was nothing to take back.
 */
export async function resetShopTheme(shop: string, key: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.shopTheme.deleteMany({ where: { shop, key } });
    if (count > 0) await reclassifyAll(tx, shop);
    return count > 0;
  });
}

/** Which of the shop's themes it changed or added (the others are the defaults as shipped). */
export async function listChangedThemeKeys(shop: string): Promise<string[]> {
  return (await prisma.shopTheme.findMany({ where: { shop }, select: { key: true } })).map((r) => r.key);
}

/**
 * Themes whose copy of their answer's facts (day, stage, channel, country, segment,
 * category, brands) differs from the answer's, set right: a theme inserted while its answer
 * changed in another transaction misses the trigger that copies them. The theme rollups
 * follow through their own trigger. Run by the daily job; returns how many were set right.
 */
export async function syncThemeFacts(shop: string): Promise<number> {
  return prisma.$executeRaw`
    UPDATE response_themes t
    SET answered_day = r.answered_day, stage = r.stage, channel = r.channel, country_code = r.country_code,
        segment = r.segment, category = r.category, vendors = r.vendors
    FROM responses r
    WHERE t.shop = ${shop} AND r.id = t.response_id
      AND (t.answered_day, t.stage, t.channel, t.country_code, t.segment, t.category, t.vendors)
          IS DISTINCT FROM (r.answered_day, r.stage, r.channel, r.country_code, r.segment, r.category, r.vendors)`;
}
