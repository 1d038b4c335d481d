import type { eld as Eld } from "eld/medium";
import snowball from "snowball-stemmers";
import { SHOPPER_LOCALES, type ShopperLocale } from "./shopper-locales";
import type { ThemeDefinition } from "./theme-taxonomy";

/**
 * Comment themes, explained: a comment's language is detected (falling back to the answer's
 * locale when the text is too short to tell), its words are stemmed with that language's
 * Snowball stemmer, and each theme's phrases for the language are matched against the stems.
 * Every assignment names the words that matched. German and Dutch one-word phrases also match
 * as the first or last part of a compound, and long words match with one typo.
 */

const SNOWBALL: Record<ShopperLocale, string> = {
  en: "english",
  fr: "french",
  de: "german",
  es: "spanish",
  nl: "dutch",
};
const COMPOUNDING: ReadonlySet<ShopperLocale> = new Set(["de", "nl"]);
// Shorter words are too often another word with one letter changed ("price" and "prime").
const TYPO_MIN_LENGTH = 6;
const COMPOUND_PART_MIN_LENGTH = 5;
// What is left beside the part: an ending after a first part is not a compound (levering is
// not lever + ing), a short first word before a last part can be (topprijs).
const REST_AFTER_FIRST_PART = 4;
const REST_BEFORE_LAST_PART = 3;

// The language detector's n-gram tables take about 180 MB of memory once loaded: processes
// that never read a comment (an import, a CLI command) do not load them.
let detector: typeof Eld | undefined;
let loading: Promise<typeof Eld> | undefined;

/** Loads the language detector, once per process; classifying needs it first. */
export async function loadLanguageDetector(): Promise<void> {
  loading ??= import("eld/medium").then(({ eld }) => {
    eld.setLanguageSubset([...SHOPPER_LOCALES]);
    return eld;
  });
  detector = await loading;
}

export interface ThemeAssignment {
  language: ShopperLocale;
  themes: string[];
  /** Per theme, the words of the comment that matched it, as written. */
  matched: Record<string, string[]>;
}

export interface Token {
  /** As written, for explanations. */
  text: string;
  /** Lower case, without accents. */
  plain: string;
  /** Stems of the word with and without its accents (shoppers drop them; stemmers use them). */
  keys: readonly string[];
  /** Which sentence of the text the word is in: a phrase's words never span two. */
  sentence: number;
}

type WordPattern =
  { kind: "stem"; keys: readonly string[] } | { kind: "prefix"; prefix: string } | { kind: "exact"; plain: string };

interface Phrase {
  theme: string;
  words: WordPattern[];
}

interface LanguageRules {
  /** Phrases by every key of their first word. */
  byFirstKey: Map<string, Phrase[]>;
  /** For typos: each first-word key and its one-letter deletions, to the keys they came from. */
  deletions: Map<string, Set<string>>;
  /** Phrases whose first word is a prefix (`word*`) or written exactly (`"word"`). */
  prefixed: Phrase[];
}

export interface ThemeClassifier {
  readonly themes: readonly string[];
  classify(text: string, locale?: string | null): ThemeAssignment;
}

const stemmers = new Map<ShopperLocale, { stem(word: string): string }>();
const stemCaches = new Map<ShopperLocale, Map<string, string>>();

// The Snowball port takes 10-20 µs a word; shoppers' vocabulary repeats, so a cache makes it
// a lookup. Bounded: a burst of unusual words empties it rather than growing it.
function stem(language: ShopperLocale, word: string): string {
  let cache = stemCaches.get(language);
  if (!cache) stemCaches.set(language, (cache = new Map()));
  let stemmed = cache.get(word);
  if (stemmed === undefined) {
    let stemmer = stemmers.get(language);
    if (!stemmer) stemmers.set(language, (stemmer = snowball.newStemmer(SNOWBALL[language])));
    stemmed = stemmer.stem(word);
    if (cache.size >= 50_000) cache.clear();
    cache.set(word, stemmed);
  }
  return stemmed;
}

export function withoutAccents(text: string): string {
  return text.normalize("NFD").replace(/\p{M}/gu, "");
}

const WORD = /[\p{L}\p{N}]+/gu;

const SENTENCE_END = /[.!?;\n]/;

/**
 * Words of a text; elisions (l'emballage, j'ai) and hyphens split words apart. Each word
 * knows its sentence, so that "Never again. I received the wrong size" is not "never received".
 */
// A word's accent-free form and stems, remembered per language: shoppers use a few thousand
// words, and stemming took most of the time of reading a comment. Cleared when full.
const WORDS_REMEMBERED = 50_000;
const wordForms = new Map<ShopperLocale, Map<string, { plain: string; keys: readonly string[] }>>();

function formsOf(language: ShopperLocale, word: string): { plain: string; keys: readonly string[] } {
  let forms = wordForms.get(language);
  if (!forms) wordForms.set(language, (forms = new Map()));
  let found = forms.get(word);
  if (!found) {
    const plain = withoutAccents(word);
    const a = withoutAccents(stem(language, word));
    const b = plain === word ? a : stem(language, plain);
    found = { plain, keys: a === b ? [a] : [a, b] };
    if (forms.size >= WORDS_REMEMBERED) forms.clear();
    forms.set(word, found);
  }
  return found;
}

export function tokenize(language: ShopperLocale, text: string): Token[] {
  const tokens: Token[] = [];
  const normalised = text.normalize("NFKC").toLowerCase();
  let sentence = 0;
  let end = 0;
  for (const match of normalised.matchAll(WORD)) {
    if (SENTENCE_END.test(normalised.slice(end, match.index))) sentence++;
    end = match.index + match[0].length;
    const word = match[0];
    const { plain, keys } = formsOf(language, word);
    tokens.push({ text: word, plain, keys, sentence });
  }
  return tokens;
}

function oneLetterDeletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/**
 * One letter dropped, added, or two neighbours swapped: the typos of a hurried thumb
 * (delivry, recieved). A letter replaced by another is not counted: it is as often another
 * word (contest and content).
 */
function withinOneTypo(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

function isTypoOf(tokenKey: string, phraseKey: string): boolean {
  // Shoppers mistype the middle of a word, not its first letter; a different first letter is
  // usually a different word (envoyé and renvoyé).
  return (
    tokenKey[0] === phraseKey[0] &&
    Math.max(tokenKey.length, phraseKey.length) >= TYPO_MIN_LENGTH &&
    Math.min(tokenKey.length, phraseKey.length) >= TYPO_MIN_LENGTH - 1 &&
    withinOneTypo(tokenKey, phraseKey)
  );
}

/**
 * A phrase's words are stemmed, except a word in double quotes, which must be written as it
 * is ("ups" the carrier, not "up"); a last word ending in `*` is a prefix.
 */
function compilePhrase(language: ShopperLocale, theme: string, phrase: string): Phrase | null {
  const words: WordPattern[] = [];
  for (const part of phrase.trim().matchAll(/"([^"]*)"|[^\s"]+/g)) {
    if (part[1] !== undefined) {
      for (const t of tokenize(language, part[1])) words.push({ kind: "exact", plain: t.plain });
      continue;
    }
    const prefix = part[0].endsWith("*");
    const tokens = tokenize(language, prefix ? part[0].slice(0, -1) : part[0]);
    tokens.forEach((t, i) =>
      words.push(
        prefix && i === tokens.length - 1 ? { kind: "prefix", prefix: t.plain } : { kind: "stem", keys: t.keys },
      ),
    );
  }
  return words.length > 0 ? { theme, words } : null;
}

function compileLanguage(language: ShopperLocale, themes: ThemeDefinition[]): LanguageRules {
  const rules: LanguageRules = { byFirstKey: new Map(), deletions: new Map(), prefixed: [] };
  // A phrase written twice (or two spellings that read the same) is one rule, not two matches.
  const seen = new Set<string>();
  for (const theme of themes) {
    if (!theme.enabled) continue;
    for (const text of theme.phrases[language] ?? []) {
      const phrase = compilePhrase(language, theme.key, text);
      if (!phrase) continue;
      const signature = `${theme.key}\u0000${JSON.stringify(phrase.words)}`;
      if (seen.has(signature)) continue;
      seen.add(signature);
      const first = phrase.words[0]!;
      if (first.kind !== "stem") {
        rules.prefixed.push(phrase);
        continue;
      }
      for (const key of first.keys) {
        const list = rules.byFirstKey.get(key);
        if (list) list.push(phrase);
        else rules.byFirstKey.set(key, [phrase]);
        if (key.length >= TYPO_MIN_LENGTH - 1) {
          for (const variant of [key, ...oneLetterDeletions(key)]) {
            const keys = rules.deletions.get(variant);
            if (keys) keys.add(key);
            else rules.deletions.set(variant, new Set([key]));
          }
        }
      }
    }
  }
  return rules;
}

function wordMatches(token: Token, pattern: WordPattern): boolean {
  if (pattern.kind === "prefix") return token.plain.startsWith(pattern.prefix);
  if (pattern.kind === "exact") return token.plain === pattern.plain;
  return token.keys.some((key) => pattern.keys.some((p) => key === p || isTypoOf(key, p)));
}

/** Phrases whose first word this token is, exactly or with one typo. */
function candidates(rules: LanguageRules, token: Token): { phrases: Phrase[]; exact: boolean } {
  const exact: Phrase[] = [];
  for (const key of token.keys) exact.push(...(rules.byFirstKey.get(key) ?? []));
  for (const phrase of rules.prefixed) if (wordMatches(token, phrase.words[0]!)) exact.push(phrase);
  if (exact.length > 0) return { phrases: exact, exact: true };
  const fuzzy = new Set<string>();
  for (const key of token.keys) {
    if (key.length < TYPO_MIN_LENGTH - 1) continue;
    for (const variant of [key, ...oneLetterDeletions(key)]) {
      for (const original of rules.deletions.get(variant) ?? []) if (isTypoOf(key, original)) fuzzy.add(original);
    }
  }
  return { phrases: [...fuzzy].flatMap((key) => rules.byFirstKey.get(key) ?? []), exact: false };
}

/** One-word phrases found as the first or last part of a compound (Lieferzeit, verzendkosten). */
function compoundParts(rules: LanguageRules, token: Token): Phrase[] {
  const found: Phrase[] = [];
  const oneWord = (part: string) => (rules.byFirstKey.get(part) ?? []).filter((p) => p.words.length === 1);
  for (const key of token.keys) {
    for (let cut = COMPOUND_PART_MIN_LENGTH; cut <= key.length - REST_BEFORE_LAST_PART; cut++) {
      if (key.length - cut >= REST_AFTER_FIRST_PART) found.push(...oneWord(key.slice(0, cut)));
      found.push(...oneWord(key.slice(key.length - cut)));
    }
  }
  return found;
}

// A phrase's words may have two other words between them ("delivery was very fast").
const MAX_GAP = 2;

/** The positions of the phrase's words from `start` on, or null when it does not follow. */
function matchPhrase(phrase: Phrase, tokens: Token[], start: number): number[] | null {
  const positions = [start];
  for (let w = 1; w < phrase.words.length; w++) {
    const at = positions[positions.length - 1]!;
    let next: number | null = null;
    for (let i = at + 1; i <= at + 1 + MAX_GAP && i < tokens.length; i++) {
      if (tokens[i]!.sentence !== tokens[start]!.sentence) break;
      if (wordMatches(tokens[i]!, phrase.words[w]!)) {
        next = i;
        break;
      }
    }
    if (next === null) return null;
    positions.push(next);
  }
  return positions;
}

/** How close to the best language's score the answer's locale may be and still be taken. */
const LOCALE_TIE = 0.95;

export function detectCommentLanguage(text: string, locale?: string | null): ShopperLocale {
  const fallback = (SHOPPER_LOCALES as readonly string[]).find((l) => l === locale?.slice(0, 2).toLowerCase()) as
    ShopperLocale | undefined;
  if (!detector) throw new Error("The language detector is not loaded: await loadLanguageDetector() first");
  const result = detector.detect(text);
  const detected = (SHOPPER_LOCALES as readonly string[]).includes(result.language)
    ? (result.language as ShopperLocale)
    : undefined;
  if (detected && fallback && detected !== fallback) {
    // A near tie between the text's best guess and the answer's own locale goes to the locale
    // ("Service client injoignable." scores 0.742 as English and 0.711 as French).
    const scores = result.getScores();
    if ((scores[fallback] ?? 0) >= LOCALE_TIE * (scores[detected] ?? 0)) return fallback;
  }
  if (detected && (result.isReliable() || !fallback)) return detected;
  return fallback ?? detected ?? "en";
}

export function compileThemeClassifier(themes: ThemeDefinition[]): ThemeClassifier {
  const enabled = themes.filter((t) => t.enabled);
  const order = new Map(enabled.map((t, i) => [t.key, i]));
  const byLanguage = new Map<ShopperLocale, LanguageRules>(
    SHOPPER_LOCALES.map((language) => [language, compileLanguage(language, enabled)]),
  );
  return {
    themes: enabled.map((t) => t.key),
    classify(text, locale) {
      const language = detectCommentLanguage(text, locale);
      const rules = byLanguage.get(language)!;
      const tokens = tokenize(language, text);
      // Each match: its theme and the positions of the words it took (words skipped in a gap
      // are not its own).
      const spans: { theme: string; at: number[] }[] = [];
      const found = new Set<string>();
      const add = (theme: string, at: number[]) => {
        const key = `${theme}:${at.join(",")}`;
        if (found.has(key)) return;
        found.add(key);
        spans.push({ theme, at });
      };
      tokens.forEach((token, i) => {
        const { phrases, exact } = candidates(rules, token);
        let whole = false;
        for (const phrase of phrases) {
          const at = phrase.words.length === 1 ? [i] : matchPhrase(phrase, tokens, i);
          if (at === null) continue;
          if (phrase.words.length === 1 && exact) whole = true;
          add(phrase.theme, at);
        }
        // A word that is itself a phrase is not taken apart (Versandkosten is a cost, not a delivery).
        if (!whole && COMPOUNDING.has(language)) {
          for (const phrase of compoundParts(rules, token)) add(phrase.theme, [i]);
        }
      });
      // The longest phrase speaks for its words: "wrong size" is a wrong item, not the fit, and
      // "rapport qualité prix" is the price, not the quality.
      // Only the spans that share a span's first word can hold it: looked up by position,
      // not against every other span.
      const covering = new Map<number, { theme: string; at: number[] }[]>();
      for (const span of spans) {
        for (const i of span.at) {
          const list = covering.get(i);
          if (list) list.push(span);
          else covering.set(i, [span]);
        }
      }
      const kept = spans.filter(
        (span) =>
          !covering
            .get(span.at[0]!)!
            .some((other) => other.at.length > span.at.length && span.at.every((i) => other.at.includes(i))),
      );
      // Overlapping or touching phrases of one theme are one mention ("sent the wrong" and
      // "wrong size", "Kundenservice" and "antwortet"); a gap is shown as "…".
      const positions = new Map<string, Set<number>>();
      for (const span of kept) {
        const set = positions.get(span.theme) ?? new Set<number>();
        for (const i of span.at) set.add(i);
        positions.set(span.theme, set);
      }
      const matched = new Map<string, string[]>();
      for (const [theme, set] of positions) {
        const sorted = [...set].sort((a, b) => a - b);
        const mentions: string[] = [];
        let words: string[] = [];
        sorted.forEach((i, k) => {
          if (k > 0 && i > sorted[k - 1]! + 1 + MAX_GAP) {
            mentions.push(words.join(" "));
            words = [];
          } else if (k > 0 && i > sorted[k - 1]! + 1) words.push("…");
          words.push(tokens[i]!.text);
        });
        mentions.push(words.join(" "));
        matched.set(theme, [...new Set(mentions)]);
      }
      const assigned = [...matched.keys()].sort((a, b) => order.get(a)! - order.get(b)!);
      return {
        language,
        themes: assigned,
        matched: Object.fromEntries(assigned.map((theme) => [theme, matched.get(theme)!])),
      };
    },
  };
}
