/// <reference types="vite/client" />
/// <reference types="@remix-run/node" />

// snowball-stemmers ships no types.
declare module "snowball-stemmers" {
  const snowball: {
    newStemmer(language: string): { stem(word: string): string };
    algorithms(): string[];
  };
  export default snowball;
}

// stopwords-iso ships no types: stop words per ISO 639-1 code.
declare module "stopwords-iso" {
  const stopwords: Record<string, string[]>;
  export default stopwords;
}
