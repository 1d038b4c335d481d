import type { ScoreCategory } from "../generated/prisma/enums";

export type FollowUpQuestions = Record<ScoreCategory, string>;

/** The follow-up question shown after the score, per category, in English. */
export const ENGLISH_FOLLOW_UP_QUESTIONS: FollowUpQuestions = {
  PROMOTER: "What did you enjoy most about your experience with us?",
  PASSIVE: "What could we do to improve your experience?",
  DETRACTOR: "What disappointed you most, and how can we put it right?",
};

/** Defaults per locale; merchants may override them per locale in their settings. */
export const DEFAULT_FOLLOW_UP_QUESTIONS: Record<string, FollowUpQuestions> = {
  en: ENGLISH_FOLLOW_UP_QUESTIONS,
};
