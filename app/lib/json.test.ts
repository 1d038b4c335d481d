import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseJsonExact, stringifyJson } from "./json";

describe("exact JSON", () => {
  it("keeps ids beyond 2^53 with all their digits", () => {
    expect(parseJsonExact('{"id":820982911946154508,"n":1.5,"small":42}')).toEqual({
      id: 820982911946154508n,
      n: 1.5,
      small: 42,
    });
  });

  it("round-trips any bigint through stringify and parse", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n }), fc.string(), (id, text) => {
        const back = parseJsonExact(stringifyJson({ id, text })) as { id: bigint | number; text: string };
        expect(BigInt(back.id)).toBe(id);
        expect(back.text).toBe(text);
      }),
    );
  });
});
