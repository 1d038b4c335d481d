import prisma from "../db.server";
import type { Prisma } from "../generated/prisma/client";
import { SHOPPER_LOCALES } from "../domain/shopper-locales";
import { DEFAULT_THEMES, type PerLanguage, type ThemeDefinition } from "../domain/theme-taxonomy";
import { compileThemeClassifier, type ThemeClassifier } from "../domain/themes";

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
  return prisma.$transaction(
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
      if (pending.length === 0) return 0;
      const ids: number[] = [];
      const languages: string[] = [];
      const themeIds: number[] = [];
      const themes: string[] = [];
      const words: string[] = [];
      for (const row of pending) {
        const classifier = await classifierFor(tx, row.shop, row.version);
        const result = classifier.classify(row.comment ?? "", row.locale);
        ids.push(row.response_id);
        languages.push(result.language);
        for (const theme of result.themes) {
          themeIds.push(row.response_id);
          themes.push(theme);
          words.push(JSON.stringify(result.matched[theme] ?? []));
        }
      }
      await tx.$executeRaw`DELETE FROM response_themes WHERE response_id = ANY(${ids}::int[])`;
      if (themes.length > 0) {
        await tx.$executeRaw`
          INSERT INTO response_themes (response_id, shop, theme, words, answered_day, stage, channel, country_code,
                                       segment, category, vendors)
          SELECT t.id, r.shop, t.theme, ARRAY(SELECT jsonb_array_elements_text(t.words::jsonb)), r.answered_day,
                 r.stage, r.channel, r.country_code, r.segment, r.category, r.vendors
          FROM unnest(${themeIds}::int[], ${themes}::text[], ${words}::text[]) AS t(id, theme, words)
          JOIN responses r ON r.id = t.id`;
      }
      await tx.$executeRaw`
        UPDATE comment_classifications c SET pending = false, language = u.language, classified_at = now()
        FROM unnest(${ids}::int[], ${languages}::text[]) AS u(id, language)
        WHERE c.response_id = u.id`;
      return pending.length;
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
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
