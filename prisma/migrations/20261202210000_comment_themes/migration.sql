-- AlterTable
ALTER TABLE "shops" ADD COLUMN     "themes_version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "shop_themes" (
    "shop" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "label" JSONB NOT NULL,
    "description" JSONB NOT NULL,
    "phrases" JSONB NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shop_themes_pkey" PRIMARY KEY ("shop","key")
);

-- CreateTable
CREATE TABLE "comment_classifications" (
    "response_id" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "pending" BOOLEAN NOT NULL DEFAULT true,
    "language" TEXT,
    "classified_at" TIMESTAMP(3),

    CONSTRAINT "comment_classifications_pkey" PRIMARY KEY ("response_id")
);

-- CreateTable
CREATE TABLE "response_themes" (
    "response_id" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "theme" TEXT NOT NULL,
    "words" TEXT[],
    "answered_day" DATE,
    "stage" "SurveyStage" NOT NULL,
    "channel" "Channel" NOT NULL,
    "country_code" TEXT,
    "segment" "RfmSegment",
    "category" "ScoreCategory" NOT NULL,
    "vendors" TEXT[] DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "response_themes_pkey" PRIMARY KEY ("response_id","theme")
);

-- CreateIndex
CREATE INDEX "response_themes_shop_answered_day_idx" ON "response_themes"("shop", "answered_day");

-- CreateIndex
CREATE INDEX "response_themes_shop_theme_answered_day_idx" ON "response_themes"("shop", "theme", "answered_day");

-- AddForeignKey
ALTER TABLE "shop_themes" ADD CONSTRAINT "shop_themes_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comment_classifications" ADD CONSTRAINT "comment_classifications_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "comment_classifications" ADD CONSTRAINT "comment_classifications_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "response_themes" ADD CONSTRAINT "response_themes_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "response_themes" ADD CONSTRAINT "response_themes_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: comments are classified by the background worker (app/models/themes.server.ts),
-- which takes the pending rows; every writer of comments leaves them pending through these
-- triggers, whichever path it takes (answers, the demo, imports, edits). The worker takes the
-- newest first, so that a new answer is not kept waiting behind a shop's backfill.
-- (pending, response_id DESC) rather than a partial index, so that prisma/schema.prisma can say it.
CREATE INDEX "comment_classifications_pending_response_id_idx" ON "comment_classifications"("pending", "response_id" DESC);

CREATE FUNCTION "responses_comment_inserted"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "comment_classifications" ("response_id", "shop")
  SELECT n."id", n."shop" FROM "new_rows" n WHERE btrim(n."comment") <> ''
  ON CONFLICT ("response_id") DO UPDATE SET "pending" = true, "language" = NULL, "classified_at" = NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER "responses_comment_inserted" AFTER INSERT ON "responses"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "responses_comment_inserted"();

-- A changed comment loses its themes at once (they quote its words, which a redaction must
-- erase) and waits to be classified again; an emptied one has nothing left to classify.
CREATE FUNCTION "responses_comment_changed"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "response_themes" WHERE "response_id" = NEW."id";
  IF btrim(COALESCE(NEW."comment", '')) = '' THEN
    DELETE FROM "comment_classifications" WHERE "response_id" = NEW."id";
  ELSE
    INSERT INTO "comment_classifications" ("response_id", "shop") VALUES (NEW."id", NEW."shop")
    ON CONFLICT ("response_id") DO UPDATE SET "pending" = true, "language" = NULL, "classified_at" = NULL;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "responses_comment_changed" AFTER UPDATE OF "comment" ON "responses"
  FOR EACH ROW WHEN (OLD."comment" IS DISTINCT FROM NEW."comment") EXECUTE FUNCTION "responses_comment_changed"();

-- An answer's themes carry the answer's facts that views filter and count by: when an answer
-- changes (its score, day, segment, country, brands), its themes follow in the same statement.
-- Transition tables have no indexes: new_rows is joined with response_themes' key only.
CREATE FUNCTION "response_themes_follow_answers"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "response_themes" t
  SET "answered_day" = n."answered_day", "stage" = n."stage", "channel" = n."channel",
      "country_code" = n."country_code", "segment" = n."segment", "category" = n."category", "vendors" = n."vendors"
  FROM "new_rows" n
  WHERE t."response_id" = n."id"
    AND (t."answered_day", t."stage", t."channel", t."country_code", t."segment", t."category", t."vendors")
        IS DISTINCT FROM (n."answered_day", n."stage", n."channel", n."country_code", n."segment", n."category", n."vendors");
  RETURN NULL;
END $$;
CREATE TRIGGER "responses_updated_themes" AFTER UPDATE ON "responses"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "response_themes_follow_answers"();

-- The comments already stored: the worker classifies them as a backfill, with progress.
INSERT INTO "comment_classifications" ("response_id", "shop")
SELECT "id", "shop" FROM "responses" WHERE btrim("comment") <> '';
