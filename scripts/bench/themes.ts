import { readFileSync } from "node:fs";
import path from "node:path";
import { SHOPPER_LOCALES } from "../../app/domain/shopper-locales";
import { evaluateThemes, type LabelledComment, type Scores } from "../../app/domain/theme-evaluation";
import { DEFAULT_THEMES } from "../../app/domain/theme-taxonomy";
import { compileThemeClassifier, loadLanguageDetector } from "../../app/domain/themes";

// Comment themes: precision, recall and F1 per theme and per language on the comments labelled
// by hand in test/fixtures/themes/ (dev.jsonl was read while the phrases were written,
// holdout.jsonl was not), then how many comments one process classifies per second.
await loadLanguageDetector();
const classifier = compileThemeClassifier(DEFAULT_THEMES);
const load = (name: string): LabelledComment[] =>
  readFileSync(path.resolve(`test/fixtures/themes/${name}.jsonl`), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LabelledComment);

const row = (name: string, s: Scores) =>
  `${name.padEnd(18)} ${s.precision.toFixed(2).padStart(9)} ${s.recall.toFixed(2).padStart(6)} ${s.f1
    .toFixed(2)
    .padStart(5)} ${String(s.truePositives + s.falseNegatives).padStart(8)}`;

let met = true;
const summary: Record<string, unknown> = {};
for (const part of ["dev", "holdout"]) {
  const comments = load(part);
  const result = evaluateThemes(classifier, comments);
  console.log(`\n${part}.jsonl: ${comments.length} comments (language detected from the text alone)\n`);
  console.log(`${"".padEnd(18)} precision recall    F1 labelled`);
  for (const [theme, s] of Object.entries(result.byTheme)) console.log(row(theme, s));
  console.log("");
  for (const [language, s] of Object.entries(result.byLanguage)) console.log(row(language, s));
  console.log(row("all (micro)", result.overall));
  console.log(`language detected wrongly: ${result.languageMisses} of ${comments.length}`);
  const partMet =
    result.overall.f1 >= 0.85 && SHOPPER_LOCALES.every((language) => (result.byLanguage[language]?.f1 ?? 0) >= 0.75);
  met &&= partMet;
  summary[part] = {
    f1: Number(result.overall.f1.toFixed(3)),
    byLanguage: Object.fromEntries(Object.entries(result.byLanguage).map(([l, s]) => [l, Number(s.f1.toFixed(3))])),
  };
}

// Speed: the labelled comments over and over, each with a number appended so that the
// stemmer's cache of words sees new words as a shop's comments bring them.
const texts = [...load("dev"), ...load("holdout")].map((c) => c.text);
for (let i = 0; i < 2_000; i++) classifier.classify(texts[i % texts.length]!);
const n = 50_000;
const started = performance.now();
for (let i = 0; i < n; i++) classifier.classify(`${texts[i % texts.length]} ${i}`);
const perSecond = Math.round(n / ((performance.now() - started) / 1000));
console.log(`\nClassified ${n.toLocaleString("en")} comments: ${perSecond.toLocaleString("en")} per second`);
const fast = perSecond >= 5_000;
console.log(
  `\nTarget: micro-F1 >= 0.85 overall and >= 0.75 per language on both parts: ${met ? "met" : "NOT met"}; ` +
    `>= 5,000 comments/s: ${fast ? "met" : "NOT met"}`,
);
console.log(`\n${JSON.stringify({ ...summary, perSecond })}`);
process.exitCode = met && fast ? 0 : 1;
