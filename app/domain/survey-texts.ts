import type { ScoreCategory } from "../generated/prisma/enums";

/** The follow-up question shown after the score, per category; merchants may override them per locale. */
export const DEFAULT_FOLLOW_UP_QUESTIONS: Record<string, Record<ScoreCategory, string>> = {
  en: {
    PROMOTER: "What did you enjoy most about your experience with us?",
    PASSIVE: "What could we do to improve your experience?",
    DETRACTOR: "What disappointed you most, and how can we put it right?",
  },
};
