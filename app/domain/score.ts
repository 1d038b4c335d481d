import { z } from "zod";
import type { ScoreCategory } from "../generated/prisma/enums";

const SCORE_MESSAGE = "The score must be a whole number from 0 to 10";

/**
 * A score in JSON: one of the integers 0 to 10, taken as sent. Nothing is coerced: null,
 * "", " ", false, [] are not 0, and true is not 1.
 */
export const ScoreSchema = z
  .number({ message: SCORE_MESSAGE })
  .int(SCORE_MESSAGE)
  .min(0, SCORE_MESSAGE)
  .max(10, SCORE_MESSAGE);

/** A score in a form or a query string: one of the digit strings "0" to "10". */
export const FormScoreSchema = z
  .string({ message: SCORE_MESSAGE })
  .regex(/^(?:[0-9]|10)$/, SCORE_MESSAGE)
  .transform(Number);

export const MAX_COMMENT_LENGTH = 2000;

/** Optional free text, kept exactly as typed (only an empty answer becomes null). */
export const CommentSchema = z
  .string()
  .max(MAX_COMMENT_LENGTH, `A comment can be at most ${MAX_COMMENT_LENGTH} characters`)
  .nullish()
  .transform((c) => (c && c.trim() !== "" ? c : null));

/** Promoters 9-10, passives 7-8, detractors 0-6. */
export function categoryForScore(score: number): ScoreCategory {
  if (!Number.isInteger(score) || score < 0 || score > 10) throw new RangeError(`Not a score: ${score}`);
  if (score >= 9) return "PROMOTER";
  if (score >= 7) return "PASSIVE";
  return "DETRACTOR";
}
