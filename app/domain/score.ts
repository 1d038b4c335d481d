import { z } from "zod";
import type { ScoreCategory } from "../generated/prisma/enums";

export const ScoreSchema = z.coerce
  .number({ message: "The score must be a whole number from 0 to 10" })
  .int("The score must be a whole number from 0 to 10")
  .min(0, "The score must be a whole number from 0 to 10")
  .max(10, "The score must be a whole number from 0 to 10");

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
