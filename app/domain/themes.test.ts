import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SHOPPER_LOCALES } from "./shopper-locales";
import { evaluateThemes, type LabelledComment } from "./theme-evaluation";
import { DEFAULT_THEME_KEYS, DEFAULT_THEMES, type ThemeDefinition } from "./theme-taxonomy";
import { compileThemeClassifier, detectCommentLanguage, loadLanguageDetector } from "./themes";

const classifier = compileThemeClassifier(DEFAULT_THEMES);
beforeAll(loadLanguageDetector);
const themesOf = (text: string, locale?: string) => classifier.classify(text, locale).themes;

function labelled(name: string): LabelledComment[] {
  const file = path.resolve(import.meta.dirname, `../../test/fixtures/themes/${name}.jsonl`);
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LabelledComment);
}

describe("the default taxonomy", () => {
  it("has the twelve themes, each labelled, described and phrased in every shopper language", () => {
    expect(DEFAULT_THEMES.map((t) => t.key)).toEqual([...DEFAULT_THEME_KEYS]);
    for (const theme of DEFAULT_THEMES) {
      for (const language of SHOPPER_LOCALES) {
        expect(theme.label[language], `${theme.key} ${language}`).not.toBe("");
        expect(theme.description[language], `${theme.key} ${language}`).not.toBe("");
        expect(theme.phrases[language].length, `${theme.key} ${language}`).toBeGreaterThan(10);
      }
    }
  });
});

describe("classifying a comment", () => {
  it("finds topics, not polarity: late and on time are both delivery time", () => {
    expect(themesOf("the parcel arrived late")).toEqual(["delivery_time"]);
    expect(themesOf("arrived on time, thanks")).toEqual(["delivery_time"]);
    expect(themesOf("La livraison a été très rapide")).toEqual(["delivery_time"]);
  });

  it("gives several themes, or none", () => {
    expect(themesOf("El paquete llegó roto y la atención al cliente no contesta")).toEqual([
      "damaged",
      "customer_service",
    ]);
    expect(themesOf("Super, merci !", "fr")).toEqual([]);
  });

  it("says which words matched, as the shopper wrote them", () => {
    expect(classifier.classify("Emballage soigné mais l'article était CASSÉ").matched).toEqual({
      damaged: ["cassé"],
      packaging: ["emballage"],
    });
  });

  it("does not take a word for a theme's by its stem alone where it means something else", () => {
    expect(themesOf("The points from my last purchase never showed up")).toEqual([]);
    expect(themesOf("I love collecting the loyalty points")).toEqual([]);
    expect(themesOf("It only lasted a week")).toEqual(["product_quality"]);
  });

  it("stays fast when a merchant's phrases repeat or match every word", () => {
    const base = DEFAULT_THEMES[0]!;
    const noisy: ThemeDefinition = {
      ...base,
      key: "noisy",
      phrases: { en: [...Array<string>(300).fill("the"), "a*", "t*"], fr: [], de: [], es: [], nl: [] },
    };
    const started = performance.now();
    const result = compileThemeClassifier([...DEFAULT_THEMES, noisy]).classify(
      "the parcel was late and the box ".repeat(60),
      "en",
    );
    expect(result.themes).toEqual(expect.arrayContaining(["delivery_time", "packaging", "noisy"]));
    // Quadratic in the matches, this took seconds; the bound is loose for a busy machine.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("keeps a phrase's words within one sentence", () => {
    // "never … received" is a lost parcel; across a full stop it is two thoughts.
    expect(themesOf("I never received it", "en")).toEqual(["delivery_problem"]);
    expect(themesOf("Never again. I received the wrong size.", "en")).toEqual(["wrong_or_missing"]);
    expect(themesOf("Plus jamais ! Colis arrivé en retard", "fr")).toEqual(["delivery_time"]);
  });

  it("stems inflections and ignores missing accents", () => {
    expect(themesOf("las tazas llegaron rotas", "es")).toEqual(["damaged"]);
    expect(themesOf("produit abime a l arrivee", "fr")).toEqual(["damaged"]);
  });

  it("reads German and Dutch compounds by their parts, unless the whole word is a phrase", () => {
    expect(themesOf("Die Paketlieferzeit war okay", "de")).toEqual(["delivery_time"]);
    expect(themesOf("topkwaliteit, echt blij mee", "nl")).toEqual(["product_quality"]);
    // A shipping cost is a price, not a delivery.
    expect(themesOf("Versandkosten sind zu hoch", "de")).toEqual(["price_value"]);
  });

  it("splits French elisions", () => {
    expect(classifier.classify("l'emballage était parfait", "fr").matched).toEqual({ packaging: ["emballage"] });
  });

  it("forgives one dropped, added or swapped letter in a long word, not a different first letter", () => {
    expect(themesOf("never recieved my parcel")).toEqual(["delivery_problem"]);
    expect(themesOf("Verpakkingg was prima", "nl")).toEqual(["packaging"]);
    expect(themesOf("on m'a envoyé le bon article", "fr")).not.toContain("returns_refunds");
  });

  it("lets the longest phrase speak for its words", () => {
    expect(classifier.classify("they sent the wrong size").matched).toEqual({
      wrong_or_missing: ["sent the wrong size"],
    });
    expect(themesOf("rapport qualité prix imbattable")).toEqual(["price_value"]);
  });

  it("detects the language, and falls back to the answer's locale when the text is too short to tell", () => {
    expect(detectCommentLanguage("Das Paket kam leider viel zu spät an", "en")).toBe("de");
    expect(detectCommentLanguage("top", "nl")).toBe("nl");
    expect(detectCommentLanguage("top", null)).toMatch(/^(en|fr|de|es|nl)$/);
    // A near tie with the answer's locale goes to the locale: French read as English found nothing.
    expect(detectCommentLanguage("Service client injoignable.", "fr")).toBe("fr");
    expect(themesOf("Franchement déçu. Service client injoignable.", "fr")).toEqual(["customer_service"]);
  });

  it("runs a merchant's own themes, quoted words and prefixes, and leaves switched-off themes out", () => {
    const courier: ThemeDefinition = {
      key: "courier_bpost",
      enabled: true,
      label: { en: "Bpost", fr: "Bpost", de: "Bpost", es: "Bpost", nl: "Bpost" },
      description: { en: "", fr: "", de: "", es: "", nl: "" },
      phrases: { en: ['"bpost"'], fr: [], de: [], es: [], nl: ['"bpost"', "bpost*"] },
    };
    const custom = compileThemeClassifier([
      ...DEFAULT_THEMES.map((t) => (t.key === "packaging" ? { ...t, enabled: false } : t)),
      courier,
    ]);
    expect(custom.themes).toContain("courier_bpost");
    expect(custom.themes).not.toContain("packaging");
    expect(custom.classify("bpostbezorger zette de doos bij de deur", "nl")).toMatchObject({
      themes: ["courier_bpost"],
      matched: { courier_bpost: ["bpostbezorger"] },
    });
  });

  it("classifies any text without failing", () => {
    for (const text of ["", "   ", "🙂🙂", "1234", "\u0000", "x".repeat(10_000), "é".repeat(3)]) {
      expect(classifier.classify(text).themes).toEqual([]);
    }
  });
});

describe("quality on comments labelled by hand", () => {
  // dev.jsonl was read while the phrases were written; holdout.jsonl was written apart and
  // is only scored. Targets: micro-F1 at least 0.85 overall and 0.75 in every language.
  for (const part of ["dev", "holdout"]) {
    it(`meets the targets on the ${part} part`, () => {
      const comments = labelled(part);
      for (const language of SHOPPER_LOCALES) {
        expect(comments.filter((c) => c.language === language).length).toBeGreaterThanOrEqual(30);
      }
      const result = evaluateThemes(classifier, comments);
      expect(result.overall.f1).toBeGreaterThanOrEqual(0.85);
      for (const language of SHOPPER_LOCALES) {
        expect(result.byLanguage[language]!.f1, language).toBeGreaterThanOrEqual(0.75);
      }
    });
  }
});
