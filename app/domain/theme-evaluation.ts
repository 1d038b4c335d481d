import type { ShopperLocale } from "./shopper-locales";
import type { ThemeClassifier } from "./themes";

export interface LabelledComment {
  language: ShopperLocale;
  text: string;
  themes: string[];
}

export interface Scores {
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface Evaluation {
  /** Every assignment of every comment counted once (micro-averaged). */
  overall: Scores;
  byLanguage: Record<string, Scores>;
  byTheme: Record<string, Scores>;
  /** Comments whose language was detected as another than the one they are written in. */
  languageMisses: number;
}

function scores(tp: number, fp: number, fn: number): Scores {
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { truePositives: tp, falsePositives: fp, falseNegatives: fn, precision, recall, f1 };
}

/**
 * Precision, recall and F1 of a classifier against comments labelled by hand, overall, per
 * language and per theme. A comment is classified with no locale, so that its language is
 * found from its text alone.
 */
export function evaluateThemes(classifier: ThemeClassifier, labelled: LabelledComment[]): Evaluation {
  const counts = new Map<string, [number, number, number]>();
  const bump = (keys: string[], at: 0 | 1 | 2) => {
    for (const key of keys) {
      const c = counts.get(key) ?? [0, 0, 0];
      c[at]++;
      counts.set(key, c);
    }
  };
  let languageMisses = 0;
  for (const comment of labelled) {
    const result = classifier.classify(comment.text);
    if (result.language !== comment.language) languageMisses++;
    const expected = new Set(comment.themes);
    const found = new Set(result.themes);
    for (const theme of found) bump(["*", `l:${comment.language}`, `t:${theme}`], expected.has(theme) ? 0 : 1);
    for (const theme of expected) if (!found.has(theme)) bump(["*", `l:${comment.language}`, `t:${theme}`], 2);
  }
  const pick = (prefix: string) =>
    Object.fromEntries(
      [...counts]
        .filter(([key]) => key.startsWith(prefix))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, c]) => [key.slice(prefix.length), scores(...c)]),
    );
  return {
    overall: scores(...(counts.get("*") ?? [0, 0, 0])),
    byLanguage: pick("l:"),
    byTheme: pick("t:"),
    languageMisses,
  };
}
