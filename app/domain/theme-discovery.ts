import stopwords from "stopwords-iso";
import type { ShopperLocale } from "./shopper-locales";
import { tokenize, withoutAccents } from "./themes";

/**
 * What the comments no theme covers talk about: their phrases of one to three words that
 * are more frequent there than in the shop's other comments, per language.
 */

const STOP: Record<ShopperLocale, Set<string>> = Object.fromEntries(
  (["en", "fr", "de", "es", "nl"] as const).map((l) => [l, new Set(stopwords[l]!.map((w) => withoutAccents(w)))]),
) as Record<ShopperLocale, Set<string>>;

export interface DiscoveryComment {
  id: number;
  text: string;
  language: ShopperLocale;
}

export interface DiscoveredPhrase {
  /** As shoppers most often wrote it. */
  phrase: string;
  language: ShopperLocale;
  /** Uncovered comments containing it, and their share of the uncovered comments of the language. */
  comments: number;
  share: number;
  /** The same in the shop's comments that have a theme. */
  elsewhere: number;
  elsewhereShare: number;
  /** The log-odds ratio of the two shares over its standard error: how distinctive it is. */
  z: number;
  /** Ids of the latest comments containing it (at most three). */
  examples: number[];
}

const DIGITS = /^\d+$/;

/**
 * The distinct n-grams (1-3 words) of a comment, none starting or ending with a stop word,
 * by key (stems), with the words as written when `surfaces` is asked for.
 */
function grams(text: string, language: ShopperLocale, surfaces: boolean): Map<string, string> {
  const tokens = tokenize(language, text);
  const stop = STOP[language];
  const edge = tokens.map((t) => !stop.has(t.plain) && t.plain.length >= 3 && !DIGITS.test(t.plain));
  const out = new Map<string, string>();
  for (let i = 0; i < tokens.length; i++) {
    if (!edge[i]) continue;
    const first = tokens[i]!;
    let key = "";
    let surface = "";
    for (let n = 1; n <= 3 && i + n <= tokens.length; n++) {
      const last = tokens[i + n - 1]!;
      if (last.sentence !== first.sentence) break;
      key = n === 1 ? last.keys[0]! : `${key} ${last.keys[0]}`;
      if (surfaces) surface = n === 1 ? last.text : `${surface} ${last.text}`;
      if (edge[i + n - 1] && !out.has(key)) out.set(key, surface);
    }
  }
  return out;
}

/**
 * Per language, the phrases of the uncovered comments ranked by how distinctive they are
 * against the covered ones: the log-odds ratio of the share of comments containing the phrase
 * in each set (a half added to every count) over its standard error, for phrases found in at
 * least three uncovered comments and in at least 1 % of them. A longer phrase hides a
 * shorter one inside it found in about as many comments (at least 80 %: "lid loose" rather
 * than "lid"). `uncovered` newest first.
 */
export function discoverPhrases(
  uncovered: DiscoveryComment[],
  covered: DiscoveryComment[],
  perLanguage = 8,
): DiscoveredPhrase[] {
  const languages = [...new Set(uncovered.map((c) => c.language))].sort();
  const found: DiscoveredPhrase[] = [];
  for (const language of languages) {
    const mine = uncovered.filter((c) => c.language === language);
    const others = covered.filter((c) => c.language === language);
    const counts = new Map<string, { n: number; surfaces: Map<string, number>; examples: number[] }>();
    for (const c of mine) {
      for (const [key, surface] of grams(c.text, language, true)) {
        const entry = counts.get(key) ?? { n: 0, surfaces: new Map<string, number>(), examples: [] as number[] };
        entry.n++;
        entry.surfaces.set(surface, (entry.surfaces.get(surface) ?? 0) + 1);
        if (entry.examples.length < 3) entry.examples.push(c.id);
        counts.set(key, entry);
      }
    }
    const minimum = Math.max(3, Math.ceil(mine.length * 0.01));
    const candidates = [...counts].filter(([, e]) => e.n >= minimum);
    if (candidates.length === 0) continue;
    const wanted = new Set(candidates.map(([k]) => k));
    const elsewhere = new Map<string, number>();
    for (const c of others) {
      for (const key of grams(c.text, language, false).keys()) {
        if (wanted.has(key)) elsewhere.set(key, (elsewhere.get(key) ?? 0) + 1);
      }
    }
    const N = mine.length;
    const M = Math.max(others.length, 1);
    const ranked = candidates
      .map(([key, e]) => {
        const o = elsewhere.get(key) ?? 0;
        const a = e.n + 0.5;
        const b = N - e.n + 0.5;
        const c = o + 0.5;
        const d = M - o + 0.5;
        const z = (Math.log(a / b) - Math.log(c / d)) / Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d);
        const surface = [...e.surfaces].sort((x, y) => y[1] - x[1])[0]![0];
        return { key, phrase: surface, n: e.n, o, z, examples: e.examples };
      })
      .filter((g) => g.z > 0)
      .sort((x, y) => y.z - x.z || y.n - x.n);
    const kept: typeof ranked = [];
    for (const g of ranked) {
      // A shorter phrase inside a kept longer one, found in about as many comments, adds nothing.
      const inside = kept.some((k) => ` ${k.key} `.includes(` ${g.key} `) && k.n >= 0.8 * g.n);
      // A longer phrase around a kept one, in about as many comments, replaces it.
      const around = kept.findIndex((k) => ` ${g.key} `.includes(` ${k.key} `) && g.n >= 0.8 * k.n);
      if (inside) continue;
      if (around >= 0) kept[around] = g;
      else kept.push(g);
      if (kept.length >= perLanguage * 2) break;
    }
    const unique = [...new Map(kept.map((k) => [k.key, k])).values()].slice(0, perLanguage);
    for (const g of unique) {
      found.push({
        phrase: g.phrase,
        language,
        comments: g.n,
        share: Math.round((g.n / N) * 10_000) / 10_000,
        elsewhere: g.o,
        elsewhereShare: others.length ? Math.round((g.o / others.length) * 10_000) / 10_000 : 0,
        z: Math.round(g.z * 100) / 100,
        examples: g.examples,
      });
    }
  }
  return found;
}
