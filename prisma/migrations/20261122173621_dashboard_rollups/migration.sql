-- AlterTable
ALTER TABLE "responses" ADD COLUMN     "m_score" SMALLINT,
ADD COLUMN     "pre_category" "ScoreCategory",
ADD COLUMN     "segment" "RfmSegment";

-- AlterTable
ALTER TABLE "follow_up_cases" ADD COLUMN     "segment" "RfmSegment";

-- CreateTable
CREATE TABLE "answer_months" (
    "shop" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "channel" "Channel" NOT NULL,
    "country_code" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,
    "paired_down" INTEGER NOT NULL DEFAULT 0,
    "paired_same" INTEGER NOT NULL DEFAULT 0,
    "paired_up" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "answer_months_pkey" PRIMARY KEY ("shop","month","stage","channel","country_code","segment")
);

-- CreateTable
CREATE TABLE "vendor_months" (
    "shop" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "segment" TEXT NOT NULL,
    "channel" "Channel" NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,
    "paired_down" INTEGER NOT NULL DEFAULT 0,
    "paired_same" INTEGER NOT NULL DEFAULT 0,
    "paired_up" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "vendor_months_pkey" PRIMARY KEY ("shop","month","vendor","stage","segment","channel")
);

-- CreateTable
CREATE TABLE "answer_days" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "channel" "Channel" NOT NULL,
    "country_code" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,
    "paired_down" INTEGER NOT NULL DEFAULT 0,
    "paired_same" INTEGER NOT NULL DEFAULT 0,
    "paired_up" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "answer_days_pkey" PRIMARY KEY ("shop","day","stage","channel","country_code","segment")
);

-- CreateTable
CREATE TABLE "vendor_days" (
    "shop" TEXT NOT NULL,
    "vendor" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "segment" TEXT NOT NULL,
    "promoters" INTEGER NOT NULL DEFAULT 0,
    "passives" INTEGER NOT NULL DEFAULT 0,
    "detractors" INTEGER NOT NULL DEFAULT 0,
    "paired_down" INTEGER NOT NULL DEFAULT 0,
    "paired_same" INTEGER NOT NULL DEFAULT 0,
    "paired_up" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "vendor_days_pkey" PRIMARY KEY ("shop","day","vendor","stage","segment")
);

-- CreateTable
CREATE TABLE "segment_totals" (
    "shop" TEXT NOT NULL,
    "segment" TEXT NOT NULL,
    "customers" INTEGER NOT NULL DEFAULT 0,
    "revenue" DECIMAL(16,2) NOT NULL DEFAULT 0,

    CONSTRAINT "segment_totals_pkey" PRIMARY KEY ("shop","segment")
);

-- CreateIndex
CREATE INDEX "responses_queue_idx" ON "responses"("shop", "category", "answered_day", "score", "segment", "m_score", "answered_at", "id");

-- AddForeignKey
ALTER TABLE "answer_months" ADD CONSTRAINT "answer_months_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vendor_months" ADD CONSTRAINT "vendor_months_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "answer_days" ADD CONSTRAINT "answer_days_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "vendor_days" ADD CONSTRAINT "vendor_days_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "segment_totals" ADD CONSTRAINT "segment_totals_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: dashboards count whole months from rollups kept by the triggers below, so a
-- year of a large shop is a few thousand rows rather than every answer.

-- The new columns for what is already stored, before the triggers below exist.
UPDATE "responses" r SET "segment" = c."segment", "m_score" = c."m_score" FROM "customers" c WHERE c."id" = r."customer_id";
UPDATE "follow_up_cases" fc SET "segment" = r."segment" FROM "responses" r WHERE r."id" = fc."response_id";
UPDATE "responses" post SET "pre_category" = p."category"
FROM "responses" p WHERE p."order_id" = post."order_id" AND p."stage" = 'PRE_DELIVERY' AND post."stage" = 'POST_DELIVERY';

-- Each answer carries its customer's current segment and monetary score, set when the answer
-- is written or its customer changes, and copied again when customers' scores change (RFM
-- runs, redaction).
-- An after-delivery answer carries the category of its order's before-delivery answer.
CREATE FUNCTION "responses_copy_answer_facts"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW."customer_id" IS DISTINCT FROM OLD."customer_id" THEN
    SELECT c."segment", c."m_score" INTO NEW."segment", NEW."m_score" FROM "customers" c WHERE c."id" = NEW."customer_id";
  END IF;
  IF NEW."stage" <> 'POST_DELIVERY' THEN
    NEW."pre_category" := NULL;
  ELSIF TG_OP = 'INSERT' OR NEW."order_id" IS DISTINCT FROM OLD."order_id" OR NEW."stage" IS DISTINCT FROM OLD."stage" THEN
    NEW."pre_category" := (SELECT p."category" FROM "responses" p
                           WHERE p."order_id" = NEW."order_id" AND p."stage" = 'PRE_DELIVERY');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "responses_copy_answer_facts" BEFORE INSERT OR UPDATE ON "responses"
  FOR EACH ROW EXECUTE FUNCTION "responses_copy_answer_facts"();

-- A case carries its answer's segment too (win-back by segment counts cases only).
CREATE FUNCTION "follow_up_cases_copy_segment"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  NEW."segment" := (SELECT r."segment" FROM "responses" r WHERE r."id" = NEW."response_id");
  RETURN NEW;
END $$;
CREATE TRIGGER "follow_up_cases_copy_segment" BEFORE INSERT OR UPDATE OF "response_id" ON "follow_up_cases"
  FOR EACH ROW EXECUTE FUNCTION "follow_up_cases_copy_segment"();

-- Before-delivery answers written, changed or deleted: their orders' after-delivery answers
-- take the new category. Guarded, since an UPDATE of no rows fires statement triggers too.
CREATE FUNCTION "responses_pre_category_sync"("p_order_ids" INTEGER[]) RETURNS VOID LANGUAGE sql AS $$
  UPDATE "responses" post
  SET "pre_category" = (SELECT p."category" FROM "responses" p
                        WHERE p."order_id" = post."order_id" AND p."stage" = 'PRE_DELIVERY')
  WHERE post."order_id" = ANY ("p_order_ids") AND post."stage" = 'POST_DELIVERY'
    AND post."pre_category" IS DISTINCT FROM (SELECT p."category" FROM "responses" p
                                             WHERE p."order_id" = post."order_id" AND p."stage" = 'PRE_DELIVERY')
$$;

-- Rollups by day and by month, for every answer and per vendor of its order: what the
-- statement's old rows counted is taken away and what its new rows count is added, in one
-- upsert per table; rows whose counts did not change are left alone. Rows are upserted in
-- key order, so two answers written at once lock shared rows in the same order.
CREATE FUNCTION "answer_rollups_apply"("p_old" "responses"[], "p_new" "responses"[]) RETURNS VOID LANGUAGE sql AS $$
  WITH "facts" AS (
    SELECT r."shop", r."answered_day" AS "day", r."stage", r."channel",
           COALESCE(r."country_code", '') AS "country_code", COALESCE(r."segment"::text, '') AS "segment",
           r."vendors", r."category", r."sign",
           CASE r."category" WHEN 'PROMOTER' THEN 2 WHEN 'PASSIVE' THEN 1 ELSE 0 END AS "now_rank",
           CASE r."pre_category" WHEN 'PROMOTER' THEN 2 WHEN 'PASSIVE' THEN 1 WHEN 'DETRACTOR' THEN 0 END AS "pre_rank"
    FROM (SELECT o.*, -1 AS "sign" FROM unnest("p_old") o UNION ALL SELECT n.*, 1 FROM unnest("p_new") n) r
    WHERE r."answered_day" IS NOT NULL AND EXISTS (SELECT 1 FROM "shops" x WHERE x."domain" = r."shop")
  ),
  -- The change per day: once for the answer (vendor NULL) and once per vendor of its order
  -- (the vendor rollups hold no country; vendor_months holds the channel, vendor_days not).
  "deltas" AS MATERIALIZED (
    SELECT f."shop", v."vendor", f."day", date_trunc('month', f."day")::date AS "month", f."stage",
           f."channel", CASE WHEN v."vendor" IS NULL THEN f."country_code" END AS "country_code", f."segment",
           COALESCE(sum(f."sign") FILTER (WHERE f."category" = 'PROMOTER'), 0) AS "p",
           COALESCE(sum(f."sign") FILTER (WHERE f."category" = 'PASSIVE'), 0) AS "pa",
           COALESCE(sum(f."sign") FILTER (WHERE f."category" = 'DETRACTOR'), 0) AS "d",
           COALESCE(sum(f."sign") FILTER (WHERE f."now_rank" < f."pre_rank"), 0) AS "dn",
           COALESCE(sum(f."sign") FILTER (WHERE f."now_rank" = f."pre_rank"), 0) AS "sm",
           COALESCE(sum(f."sign") FILTER (WHERE f."now_rank" > f."pre_rank"), 0) AS "up"
    FROM "facts" f CROSS JOIN LATERAL (SELECT NULL::text UNION ALL SELECT unnest(f."vendors")) AS v("vendor")
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
  ),
  "day_counts" AS (
    INSERT INTO "answer_days" AS t ("shop", "day", "stage", "channel", "country_code", "segment", "promoters", "passives", "detractors", "paired_down", "paired_same", "paired_up")
    SELECT d."shop", d."day", d."stage", d."channel", d."country_code", d."segment", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int, sum(d."dn")::int, sum(d."sm")::int, sum(d."up")::int
    FROM "deltas" d WHERE d."vendor" IS NULL GROUP BY d."shop", d."day", d."stage", d."channel", d."country_code", d."segment" HAVING (sum(d."p"), sum(d."pa"), sum(d."d"), sum(d."dn"), sum(d."sm"), sum(d."up")) <> (0, 0, 0, 0, 0, 0)
    ORDER BY d."shop", d."day", d."stage", d."channel", d."country_code", d."segment"
    ON CONFLICT ("shop", "day", "stage", "channel", "country_code", "segment") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors", "paired_down" = t."paired_down" + EXCLUDED."paired_down",
      "paired_same" = t."paired_same" + EXCLUDED."paired_same", "paired_up" = t."paired_up" + EXCLUDED."paired_up"
    RETURNING 1
  ),
  "month_counts" AS (
    INSERT INTO "answer_months" AS t ("shop", "month", "stage", "channel", "country_code", "segment", "promoters", "passives", "detractors", "paired_down", "paired_same", "paired_up")
    SELECT d."shop", d."month", d."stage", d."channel", d."country_code", d."segment", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int, sum(d."dn")::int, sum(d."sm")::int, sum(d."up")::int
    FROM "deltas" d WHERE d."vendor" IS NULL GROUP BY d."shop", d."month", d."stage", d."channel", d."country_code", d."segment" HAVING (sum(d."p"), sum(d."pa"), sum(d."d"), sum(d."dn"), sum(d."sm"), sum(d."up")) <> (0, 0, 0, 0, 0, 0)
    ORDER BY d."shop", d."month", d."stage", d."channel", d."country_code", d."segment"
    ON CONFLICT ("shop", "month", "stage", "channel", "country_code", "segment") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors", "paired_down" = t."paired_down" + EXCLUDED."paired_down",
      "paired_same" = t."paired_same" + EXCLUDED."paired_same", "paired_up" = t."paired_up" + EXCLUDED."paired_up"
    RETURNING 1
  ),
  "vendor_day_counts" AS (
    INSERT INTO "vendor_days" AS t ("shop", "day", "vendor", "stage", "segment", "promoters", "passives", "detractors", "paired_down", "paired_same", "paired_up")
    SELECT d."shop", d."day", d."vendor", d."stage", d."segment", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int, sum(d."dn")::int, sum(d."sm")::int, sum(d."up")::int
    FROM "deltas" d WHERE d."vendor" IS NOT NULL GROUP BY d."shop", d."day", d."vendor", d."stage", d."segment" HAVING (sum(d."p"), sum(d."pa"), sum(d."d"), sum(d."dn"), sum(d."sm"), sum(d."up")) <> (0, 0, 0, 0, 0, 0)
    ORDER BY d."shop", d."day", d."vendor", d."stage", d."segment"
    ON CONFLICT ("shop", "day", "vendor", "stage", "segment") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors", "paired_down" = t."paired_down" + EXCLUDED."paired_down",
      "paired_same" = t."paired_same" + EXCLUDED."paired_same", "paired_up" = t."paired_up" + EXCLUDED."paired_up"
    RETURNING 1
  )
  INSERT INTO "vendor_months" AS t ("shop", "month", "vendor", "stage", "segment", "channel", "promoters", "passives", "detractors", "paired_down", "paired_same", "paired_up")
    SELECT d."shop", d."month", d."vendor", d."stage", d."segment", d."channel", sum(d."p")::int, sum(d."pa")::int, sum(d."d")::int, sum(d."dn")::int, sum(d."sm")::int, sum(d."up")::int
    FROM "deltas" d WHERE d."vendor" IS NOT NULL GROUP BY d."shop", d."month", d."vendor", d."stage", d."segment", d."channel" HAVING (sum(d."p"), sum(d."pa"), sum(d."d"), sum(d."dn"), sum(d."sm"), sum(d."up")) <> (0, 0, 0, 0, 0, 0)
    ORDER BY d."shop", d."month", d."vendor", d."stage", d."segment", d."channel"
    ON CONFLICT ("shop", "month", "vendor", "stage", "segment", "channel") DO UPDATE SET
      "promoters" = t."promoters" + EXCLUDED."promoters", "passives" = t."passives" + EXCLUDED."passives",
      "detractors" = t."detractors" + EXCLUDED."detractors", "paired_down" = t."paired_down" + EXCLUDED."paired_down",
      "paired_same" = t."paired_same" + EXCLUDED."paired_same", "paired_up" = t."paired_up" + EXCLUDED."paired_up"
$$;

-- A trigger may only name the transition tables its event has; each branch names its own.
CREATE FUNCTION "responses_changed"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  "pre_orders" INTEGER[];
BEGIN
  -- Transition tables have no indexes: nothing here joins one with the other.
  IF TG_OP = 'INSERT' THEN
    PERFORM "answer_rollups_apply"('{}', ARRAY(SELECT ROW(n.*)::"responses" FROM "new_rows" n));
    "pre_orders" := ARRAY(SELECT n."order_id" FROM "new_rows" n WHERE n."stage" = 'PRE_DELIVERY');
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "answer_rollups_apply"(ARRAY(SELECT ROW(o.*)::"responses" FROM "old_rows" o),
                                   ARRAY(SELECT ROW(n.*)::"responses" FROM "new_rows" n));
    UPDATE "follow_up_cases" fc SET "segment" = n."segment"
    FROM "new_rows" n WHERE fc."response_id" = n."id" AND fc."segment" IS DISTINCT FROM n."segment";
    -- Orders whose before-delivery answer appeared, went, or changed category.
    "pre_orders" := ARRAY(
      SELECT c."order_id" FROM (
        (SELECT n."order_id", n."category" FROM "new_rows" n WHERE n."stage" = 'PRE_DELIVERY'
         EXCEPT SELECT o."order_id", o."category" FROM "old_rows" o WHERE o."stage" = 'PRE_DELIVERY')
        UNION
        (SELECT o."order_id", o."category" FROM "old_rows" o WHERE o."stage" = 'PRE_DELIVERY'
         EXCEPT SELECT n."order_id", n."category" FROM "new_rows" n WHERE n."stage" = 'PRE_DELIVERY')) c);
  ELSE
    PERFORM "answer_rollups_apply"(ARRAY(SELECT ROW(o.*)::"responses" FROM "old_rows" o), '{}');
    "pre_orders" := ARRAY(SELECT o."order_id" FROM "old_rows" o WHERE o."stage" = 'PRE_DELIVERY');
  END IF;
  IF cardinality("pre_orders") > 0 THEN
    PERFORM "responses_pre_category_sync"("pre_orders");
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "responses_inserted" AFTER INSERT ON "responses"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "responses_changed"();
CREATE TRIGGER "responses_updated" AFTER UPDATE ON "responses"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "responses_changed"();
CREATE TRIGGER "responses_deleted" AFTER DELETE ON "responses"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "responses_changed"();

-- Customers per segment, and their segments and monetary scores copied onto their answers.
CREATE FUNCTION "segment_totals_apply"("p_old" "customers"[], "p_new" "customers"[]) RETURNS VOID LANGUAGE sql AS $$
  INSERT INTO "segment_totals" AS t ("shop", "segment", "customers", "revenue")
  SELECT * FROM (
    SELECT c."shop", COALESCE(c."segment"::text, '') AS "segment", sum(c."sign")::int AS n,
           sum(c."sign" * c."total_spent") AS revenue
    FROM (SELECT o.*, -1 AS "sign" FROM unnest("p_old") o UNION ALL SELECT n.*, 1 FROM unnest("p_new") n) c
    WHERE c."redacted_at" IS NULL AND EXISTS (SELECT 1 FROM "shops" x WHERE x."domain" = c."shop")
    GROUP BY 1, 2) d
  WHERE (d.n, d.revenue) <> (0, 0)
  ORDER BY 1, 2
  ON CONFLICT ("shop", "segment") DO UPDATE SET
    "customers" = t."customers" + EXCLUDED."customers", "revenue" = t."revenue" + EXCLUDED."revenue"
$$;

CREATE FUNCTION "customers_changed"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  -- All old rows out, all new rows in: unchanged ones cancel out in the sums.
  IF TG_OP = 'INSERT' THEN
    PERFORM "segment_totals_apply"('{}', ARRAY(SELECT ROW(n.*)::"customers" FROM "new_rows" n));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "segment_totals_apply"(ARRAY(SELECT ROW(o.*)::"customers" FROM "old_rows" o),
                                   ARRAY(SELECT ROW(n.*)::"customers" FROM "new_rows" n));
    UPDATE "responses" r SET "segment" = n."segment", "m_score" = n."m_score"
    FROM "new_rows" n
    WHERE r."shop" = n."shop" AND r."customer_id" = n."id" AND (r."segment", r."m_score") IS DISTINCT FROM (n."segment", n."m_score");
  ELSE
    PERFORM "segment_totals_apply"(ARRAY(SELECT ROW(o.*)::"customers" FROM "old_rows" o), '{}');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "customers_inserted" AFTER INSERT ON "customers"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "customers_changed"();
CREATE TRIGGER "customers_updated" AFTER UPDATE ON "customers"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "customers_changed"();
CREATE TRIGGER "customers_deleted" AFTER DELETE ON "customers"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "customers_changed"();

-- The rollups of what is already stored.
SELECT "answer_rollups_apply"('{}', ARRAY(SELECT r FROM "responses" r));
SELECT "segment_totals_apply"('{}', ARRAY(SELECT c FROM "customers" c));
