-- AlterTable
ALTER TABLE "responses" ADD COLUMN     "answered_day" DATE;

-- CreateTable
CREATE TABLE "survey_days" (
    "shop" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "stage" "SurveyStage" NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "answered_email" INTEGER NOT NULL DEFAULT 0,
    "answered_thank_you" INTEGER NOT NULL DEFAULT 0,
    "answered_order_status" INTEGER NOT NULL DEFAULT 0,
    "answered_storefront" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "survey_days_pkey" PRIMARY KEY ("shop","day","stage")
);

-- CreateIndex
CREATE INDEX "responses_shop_answered_day_idx" ON "responses"("shop", "answered_day");

-- AddForeignKey
ALTER TABLE "survey_days" ADD CONSTRAINT "survey_days_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: days in the shop's time zone (shops.timezone holds only names the app knows;
-- UTC when unset), so that dashboards filter and group by date without converting every row.
CREATE FUNCTION "shop_time_zone"("p_shop" TEXT) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT s."timezone" FROM "shops" s WHERE s."domain" = "p_shop"), 'UTC')
$$;

CREATE OR REPLACE FUNCTION "responses_copy_order_facts"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW."order_id" IS DISTINCT FROM OLD."order_id" THEN
    NEW."vendors" := "order_vendors"(NEW."order_id");
    NEW."country_code" := (SELECT o."country_code" FROM "orders" o WHERE o."id" = NEW."order_id");
  END IF;
  NEW."answered_day" := (NEW."answered_at" AT TIME ZONE "shop_time_zone"(NEW."shop"))::date;
  RETURN NEW;
END $$;
DROP TRIGGER "responses_copy_order_facts" ON "responses";
CREATE TRIGGER "responses_copy_order_facts" BEFORE INSERT OR UPDATE OF "order_id", "answered_at" ON "responses"
  FOR EACH ROW EXECUTE FUNCTION "responses_copy_order_facts"();

-- Survey counts per day of sending: each statement on survey_invitations takes away what its
-- rows counted before and adds what they count now.
CREATE FUNCTION "survey_days_add"("p_rows" "survey_invitations"[], "p_sign" INTEGER) RETURNS VOID LANGUAGE sql AS $$
  INSERT INTO "survey_days" AS d ("shop", "day", "stage", "sent", "answered_email", "answered_thank_you",
                                  "answered_order_status", "answered_storefront")
  SELECT c."shop", c."day", c."stage", c."sent", c."email", c."thank_you", c."order_status", c."storefront"
  FROM (
    SELECT i."shop", (i."send_at" AT TIME ZONE "shop_time_zone"(i."shop"))::date AS "day", i."stage",
           "p_sign" * count(*) FILTER (WHERE i."sent_at" IS NOT NULL OR i."status" = 'ANSWERED') AS "sent",
           "p_sign" * count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'EMAIL') AS "email",
           "p_sign" * count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'THANK_YOU') AS "thank_you",
           "p_sign" * count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'ORDER_STATUS') AS "order_status",
           "p_sign" * count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'STOREFRONT') AS "storefront"
    FROM unnest("p_rows") AS i GROUP BY 1, 2, 3) c
  WHERE (c."sent", c."email", c."thank_you", c."order_status", c."storefront") <> (0, 0, 0, 0, 0)
    AND EXISTS (SELECT 1 FROM "shops" s WHERE s."domain" = c."shop")
  ON CONFLICT ("shop", "day", "stage") DO UPDATE SET
    "sent" = d."sent" + EXCLUDED."sent",
    "answered_email" = d."answered_email" + EXCLUDED."answered_email",
    "answered_thank_you" = d."answered_thank_you" + EXCLUDED."answered_thank_you",
    "answered_order_status" = d."answered_order_status" + EXCLUDED."answered_order_status",
    "answered_storefront" = d."answered_storefront" + EXCLUDED."answered_storefront"
$$;

-- A trigger may only name the transition tables its event has; plpgsql plans a statement when
-- it first runs, so each event's branch names only its own.
CREATE FUNCTION "survey_days_apply"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM "survey_days_add"(ARRAY(SELECT ROW(n.*)::"survey_invitations" FROM "new_rows" n), 1);
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM "survey_days_add"(ARRAY(SELECT ROW(o.*)::"survey_invitations" FROM "old_rows" o), -1);
    PERFORM "survey_days_add"(ARRAY(SELECT ROW(n.*)::"survey_invitations" FROM "new_rows" n), 1);
  ELSE
    PERFORM "survey_days_add"(ARRAY(SELECT ROW(o.*)::"survey_invitations" FROM "old_rows" o), -1);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "survey_invitations_inserted" AFTER INSERT ON "survey_invitations"
  REFERENCING NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "survey_days_apply"();
CREATE TRIGGER "survey_invitations_updated" AFTER UPDATE ON "survey_invitations"
  REFERENCING OLD TABLE AS "old_rows" NEW TABLE AS "new_rows" FOR EACH STATEMENT EXECUTE FUNCTION "survey_days_apply"();
CREATE TRIGGER "survey_invitations_deleted" AFTER DELETE ON "survey_invitations"
  REFERENCING OLD TABLE AS "old_rows" FOR EACH STATEMENT EXECUTE FUNCTION "survey_days_apply"();

-- A shop that changes time zone has its days counted again.
CREATE FUNCTION "shops_time_zone_changed"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "responses" SET "answered_day" = ("answered_at" AT TIME ZONE COALESCE(NEW."timezone", 'UTC'))::date
  WHERE "shop" = NEW."domain";
  DELETE FROM "survey_days" WHERE "shop" = NEW."domain";
  INSERT INTO "survey_days" ("shop", "day", "stage", "sent", "answered_email", "answered_thank_you",
                             "answered_order_status", "answered_storefront")
  SELECT i."shop", (i."send_at" AT TIME ZONE COALESCE(NEW."timezone", 'UTC'))::date, i."stage",
         count(*) FILTER (WHERE i."sent_at" IS NOT NULL OR i."status" = 'ANSWERED'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'EMAIL'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'THANK_YOU'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'ORDER_STATUS'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'STOREFRONT')
  FROM "survey_invitations" i WHERE i."shop" = NEW."domain"
  GROUP BY 1, 2, 3 HAVING count(*) FILTER (WHERE i."sent_at" IS NOT NULL OR i."status" = 'ANSWERED') > 0;
  RETURN NULL;
END $$;
CREATE TRIGGER "shops_time_zone_changed" AFTER UPDATE OF "timezone" ON "shops"
  FOR EACH ROW WHEN (OLD."timezone" IS DISTINCT FROM NEW."timezone")
  EXECUTE FUNCTION "shops_time_zone_changed"();

-- What is already stored.
UPDATE "responses" SET "answered_day" = ("answered_at" AT TIME ZONE "shop_time_zone"("shop"))::date;
INSERT INTO "survey_days" ("shop", "day", "stage", "sent", "answered_email", "answered_thank_you",
                           "answered_order_status", "answered_storefront")
SELECT i."shop", (i."send_at" AT TIME ZONE "shop_time_zone"(i."shop"))::date, i."stage",
       count(*) FILTER (WHERE i."sent_at" IS NOT NULL OR i."status" = 'ANSWERED'),
       count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'EMAIL'),
       count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'THANK_YOU'),
       count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'ORDER_STATUS'),
       count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'STOREFRONT')
FROM "survey_invitations" i
GROUP BY 1, 2, 3 HAVING count(*) FILTER (WHERE i."sent_at" IS NOT NULL OR i."status" = 'ANSWERED') > 0;
