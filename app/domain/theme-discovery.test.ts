import { describe, expect, it } from "vitest";
import { type DiscoveryComment, discoverPhrases } from "./theme-discovery";

const comments = (language: "en" | "de", texts: string[], from = 1): DiscoveryComment[] =>
  texts.map((text, i) => ({ id: from + i, text, language }));

describe("discoverPhrases", () => {
  const uncovered = comments("en", [
    "The lid keeps popping off",
    "lid popping off after a week",
    "Lovely colour but the lid keeps popping off",
    "the lid pops off in my bag",
    "Nice mug, lovely colour",
    "Bought it for my sister",
    "Bought it for my mum, she loves it",
    "Lovely, great!",
    "ok",
    "lid keeps popping off!!",
  ]);
  const covered = comments(
    "en",
    [
      "Lovely quality, fast delivery",
      "Parcel arrived late, lovely colour though",
      "The box was crushed",
      "Customer service never answered",
      "Great value for money",
      "Lovely packaging",
    ],
    100,
  );

  it("ranks the uncovered comments' distinctive phrases, longest first, with examples", () => {
    const found = discoverPhrases(uncovered, covered);
    expect(found[0]).toMatchObject({ phrase: "lid", language: "en", comments: 5, share: 0.5, elsewhere: 0 });
    // "lid" is in five comments, "lid keeps popping" in three: both are worth showing.
    expect(found.find((f) => f.phrase === "lid keeps popping")).toMatchObject({ comments: 3, examples: [1, 3, 10] });
    const phrases = found.map((f) => f.phrase);
    // In three of ten uncovered comments, but in four of six covered ones: not distinctive.
    expect(phrases).not.toContain("lovely");
    // Stop words alone or at the edges never make a phrase.
    expect(phrases.some((p) => /^(the|my|it|for)\b|\b(the|my|it|for)$/.test(p))).toBe(false);
  });

  it("keeps languages apart and needs three comments", () => {
    const german = comments("de", ["Deckel hält nicht", "Deckel hält nicht richtig", "Deckel fällt ab"], 50);
    const found = discoverPhrases([...uncovered, ...german], covered);
    expect(found.filter((f) => f.language === "de").map((f) => f.phrase)).toEqual(["deckel"]);
    expect(discoverPhrases(german.slice(0, 2), [])).toEqual([]);
  });
});
