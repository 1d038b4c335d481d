import { describe, expect, it } from "vitest";
import { formatDuration, importPace, timeLeft } from "./import-pace";

describe("importPace", () => {
  it("measures rows per second since the rows began, and the time left from the known total", () => {
    expect(importPace({ rowsDone: 50_000, elapsedSeconds: 10, expectedRows: 200_000 })).toEqual({
      rowsPerSecond: 5_000,
      secondsLeft: 30,
    });
  });
  it("says nothing before there is something to measure, and no time left without a total", () => {
    expect(importPace({ rowsDone: 0, elapsedSeconds: 3, expectedRows: 10 })).toBeNull();
    expect(importPace({ rowsDone: 10, elapsedSeconds: 0 })).toBeNull();
    expect(importPace({ rowsDone: 10, elapsedSeconds: 1 })).toEqual({ rowsPerSecond: 10, secondsLeft: null });
    // More rows than announced: nothing left, never negative.
    expect(importPace({ rowsDone: 12, elapsedSeconds: 1, expectedRows: 10 })!.secondsLeft).toBe(0);
  });
});

describe("formatDuration", () => {
  it("reads as a person would say it", () => {
    expect(formatDuration(0.4)).toBe("under a second");
    expect(formatDuration(40)).toBe("40 s");
    expect(formatDuration(125)).toBe("2 min 5 s");
    expect(formatDuration(3 * 3600 + 7 * 60)).toBe("3 h 7 min");
    expect(timeLeft(0.3)).toBe("less than a second left");
    expect(timeLeft(125)).toBe("about 2 min 5 s left");
  });
});
