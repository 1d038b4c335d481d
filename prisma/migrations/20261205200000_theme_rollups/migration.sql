-- CreateTable
CREATE TABLE "theme_months" (
    "shop" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "theme" TEXT NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "channel" "Channel" NOT NULL,
    "country_code" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "theme_months_pkey" PRIMARY KEY ("shop","month","theme","stage","channel","country_code","segment")
);

-- CreateTable
CREATE TABLE "theme_days" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "theme" TEXT NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "channel" "Channel" NOT NULL,
    "country_code" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "theme_days_pkey" PRIMARY KEY ("shop","day","theme","stage","channel","country_code","segment")
);

-- CreateTable
CREATE TABLE "theme_vendor_months" (
    "shop" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "theme" TEXT NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "segment" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "theme_vendor_months_pkey" PRIMARY KEY ("shop","month","vendor","theme","stage","segment","channel")
);

-- CreateTable
CREATE TABLE "theme_vendor_days" (
    "shop" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "theme" TEXT NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "segment" TEXT NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "theme_vendor_days_pkey" PRIMARY KEY ("shop","day","vendor","theme","stage","segment")
);

-- AddForeignKey
ALTER TABLE "theme_months" ADD CONSTRAINT "theme_months_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "theme_days" ADD CONSTRAINT "theme_days_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "theme_vendor_months" ADD CONSTRAINT "theme_vendor_months_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "theme_vendor_days" ADD CONSTRAINT "theme_vendor_days_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: theme views count from rollups, as the dashboards do (the dashboard_rollups
-- migration): whole months from theme_months and the days at a period's edges (or every day,
-- for weekly trends) from theme_days; theme_vendor_* per brand. Counted from response_themes,
-- which carries its answers' facts and follows them. An answer counts once per theme it
-- mentions, and once under '*' whatever the number of its themes: the comments a theme covers
-- (not per brand: a brand's covered comments are counted from response_themes, and the
-- per-brand rollups are half as long without them).

-- Rows of response_themes in (sign -1 for old rows, +1 for new), and the rows standing for
-- their answers under '*' (p_any_old, p_any_new: one per answer). Rows are upserted in key
-- order, so two statements at once lock shared rows in the same order.
CREATE FUNCTION "theme_rollups_apply"("p_old" "response_themes"[], "p_new" "response_themes"[],
                                      "p_any_old" "response_themes"[], "p_any_new" "response_themes"[]) RETURNS VOID LANGUAGE sql AS $$
  WITH "facts" AS (
    SELECT r."shop", r."answered_day" AS "day", r."theme", r."stage", r."channel",
           COALESCE(r."country_code", '') AS "country_code", COALESCE(r."segment"::text, '') AS "segment",
           r."vendors", r."category", r."sign"
    FROM (SELECT o."shop", o."answered_day", o."theme", o."stage", o."channel", o."country_code", o."segment", o."vendors", o."category", -1 AS "sign" FROM unnest("p_old") o
          UNION ALL SELECT n."shop", n."answered_day", n."theme", n."stage", n."channel", n."country_code", n."segment", n."vendors", n."category", 1 FROM unnest("p_new") n
          UNION ALL SELECT o."shop", o."answered_day", '*', o."stage", o."channel", o."country_code", o."segment", o."vendors", o."category", -1 FROM unnest("p_any_old") o
          UNION ALL SELECT n."shop", n."answered_day", '*', n."stage", n."channel", n."country_code", n."segment", n."vendors", n."category", 1 FROM unnest("p_any_new") n) r
    WHERE r."answered_day" IS NOT NULL AND EXISTS (SELECT 1 FROM "shops" x WHERE x."domain" = r."shop")
  ),
  "deltas" AS MATERIALIZED (
    SELECT f."shop", v."vendor", f."day", date_trunc('month', f."day")::date AS "month", f."theme", f."stage",
           f."channel", CASE WHEN v."vendor" IS NULL THEN f."country_code" END AS "country_code", f."segment",
           COALESCE(sum(f."sign") FILTER (WHERE f."category" = 'PROMOTER'), 0) AS "p",
           COALESCE(sum(f."sign") FILTER (WHERE f."category" = 'PASSIVE'), 0) AS "pa",
           COALESCE(sum(f."sign") FILTER (WHERE f."category" = 'DETRACTOR'), 0) AS "d"
    FROM "facts" f
    CROSS JOIN LATERAL (SELECT NULL::text UNION ALL SELECT unnest(f."vendors") WHERE f."theme" <> '*') AS v("vendor")
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ),
  "day_counts" AS (
    INSERT INTO "theme_days" AS t ("shop", "day", "theme", "stage", "channel", "country_code", "segment", "promoters", "passives", "detractors")
    SELECT d."shop", d."day", d."theme", d."stage", d."channel", d."country_code", d."segment", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int
    FROM "deltas" d WHERE d."vendor" IS NULL GROUP BY d."shop", d."day", d."theme", d."stage", d."channel", d."country_code", d."segment"
    HAVING (sum(d."p"), sum(d."pa"), sum(d."d")) <> (0, 0, 0)
    ORDER BY d."shop", d."day", d."theme", d."stage", d."channel", d."country_code", d."segment"
    ON CONFLICT ("shop", "day", "theme", "stage", "channel", "country_code", "segment") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors"
    RETURNING 1
  ),
  "month_counts" AS (
    INSERT INTO "theme_months" AS t ("shop", "month", "theme", "stage", "channel", "country_code", "segment", "promoters", "passives", "detractors")
    SELECT d."shop", d."month", d."theme", d."stage", d."channel", d."country_code", d."segment", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int
    FROM "deltas" d WHERE d."vendor" IS NULL GROUP BY d."shop", d."month", d."theme", d."stage", d."channel", d."country_code", d."segment"
    HAVING (sum(d."p"), sum(d."pa"), sum(d."d")) <> (0, 0, 0)
    ORDER BY d."shop", d."month", d."theme", d."stage", d."channel", d."country_code", d."segment"
    ON CONFLICT ("shop", "month", "theme", "stage", "channel", "country_code", "segment") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors"
    RETURNING 1
  ),
  "vendor_day_counts" AS (
    INSERT INTO "theme_vendor_days" AS t ("shop", "day", "vendor", "theme", "stage", "segment", "promoters", "passives", "detractors")
    SELECT d."shop", d."day", d."vendor", d."theme", d."stage", d."segment", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int
    FROM "deltas" d WHERE d."vendor" IS NOT NULL GROUP BY d."shop", d."day", d."vendor", d."theme", d."stage", d."segment"
    HAVING (sum(d."p"), sum(d."pa"), sum(d."d")) <> (0, 0, 0)
    ORDER BY d."shop", d."day", d."vendor", d."theme", d."stage", d."segment"
    ON CONFLICT ("shop", "day", "vendor", "theme", "stage", "segment") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors"
    RETURNING 1
  )
  INSERT INTO "theme_vendor_months" AS t ("shop", "month", "vendor", "theme", "stage", "segment", "channel", "promoters", "passives", "detractors")
    SELECT d."shop", d."month", d."vendor", d."theme", d."stage", d."segment", d."channel", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int
    FROM "deltas" d WHERE d."vendor" IS NOT NULL GROUP BY d."shop", d."month", d."vendor", d."theme", d."stage", d."segment", d."channel"
    HAVING (sum(d."p"), sum(d."pa"), sum(d."d")) <> (0, 0, 0)
    ORDER BY d."shop", d."month", d."vendor", d."theme", d."stage", d."segment", d."channel"
    ON CONFLICT ("shop", "month", "vendor", "theme", "stage", "segment", "channel") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors"
$$;

-- An answer enters '*' with its first theme and leaves it with its last; an update (the
-- answer's facts, which all its rows follow in one statement) moves it. Transition tables
-- have no indexes: they are grouped, and joined with response_themes by its key only.
CREATE FUNCTION "response_themes_changed"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "theme_rollups_apply"('{}', ARRAY(SELECT ROW(n.*)::"response_themes" FROM "new_rows" n), '{}', ARRAY(
      SELECT ROW(n.*)::"response_themes" FROM (
        SELECT DISTINCT ON (n."response_id") n.* FROM "new_rows" n ORDER BY n."response_id", n."theme") n
      JOIN (SELECT a."response_id", count(*) AS "k" FROM "new_rows" a GROUP BY 1) a ON a."response_id" = n."response_id"
      WHERE (SELECT count(*) FROM "response_themes" t WHERE t."response_id" = n."response_id") = a."k"));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "theme_rollups_apply"(
      ARRAY(SELECT ROW(o.*)::"response_themes" FROM "old_rows" o),
      ARRAY(SELECT ROW(n.*)::"response_themes" FROM "new_rows" n),
      ARRAY(SELECT ROW(o.*)::"response_themes" FROM (SELECT DISTINCT ON (o."response_id") o.* FROM "old_rows" o ORDER BY o."response_id", o."theme") o),
      ARRAY(SELECT ROW(n.*)::"response_themes" FROM (SELECT DISTINCT ON (n."response_id") n.* FROM "new_rows" n ORDER BY n."response_id", n."theme") n));
  ELSE
    PERFORM "theme_rollups_apply"(ARRAY(SELECT ROW(o.*)::"response_themes" FROM "old_rows" o), '{}', ARRAY(
      SELECT ROW(o.*)::"response_themes" FROM (
        SELECT DISTINCT ON (o."response_id") o.* FROM "old_rows" o ORDER BY o."response_id", o."theme") o
      WHERE NOT EXISTS (SELECT 1 FROM "response_themes" t WHERE t."response_id" = o."response_id")), '{}');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "response_themes_inserted" AFTER INSERT ON "response_themes"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "response_themes_changed"();
CREATE TRIGGER "response_themes_updated" AFTER UPDATE ON "response_themes"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "response_themes_changed"();
CREATE TRIGGER "response_themes_deleted" AFTER DELETE ON "response_themes"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "response_themes_changed"();

-- The rollups of what is already stored.
SELECT "theme_rollups_apply"('{}', ARRAY(SELECT t FROM "response_themes" t), '{}',
  ARRAY(SELECT ROW(t.*)::"response_themes" FROM (SELECT DISTINCT ON (t."response_id") t.* FROM "response_themes" t ORDER BY t."response_id", t."theme") t));
