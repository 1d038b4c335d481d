-- An answer's outcome carries the answer's facts that views filter by, as response_themes does:
-- the Value page reads outcomes without joining every answer (300 ms on 136,000 answers).
-- Refreshed with the outcomes themselves (daily, after a history import).
ALTER TABLE "answer_outcomes"
  ADD COLUMN "answered_day" DATE,
  ADD COLUMN "stage" "SurveyStage",
  ADD COLUMN "channel" "Channel",
  ADD COLUMN "country_code" TEXT,
  ADD COLUMN "segment" "RfmSegment",
  ADD COLUMN "category" "ScoreCategory",
  ADD COLUMN "vendors" TEXT[] DEFAULT ARRAY[]::TEXT[];

UPDATE "answer_outcomes" x
SET "answered_day" = r."answered_day", "stage" = r."stage", "channel" = r."channel",
    "country_code" = r."country_code", "segment" = r."segment", "category" = r."category", "vendors" = r."vendors"
FROM "responses" r WHERE r."id" = x."response_id";

ALTER TABLE "answer_outcomes"
  ALTER COLUMN "stage" SET NOT NULL,
  ALTER COLUMN "channel" SET NOT NULL,
  ALTER COLUMN "category" SET NOT NULL;
