-- Hand-written: timestamps are stored as UTC in columns without a zone. `ts AT TIME ZONE zone`
-- on such a column reads it as local time of that zone, the wrong way round: an answer at
-- 23:30 UTC in an Amsterdam shop was given 23:30's day instead of the next one (00:30 local),
-- and in a New York shop an answer at 02:00 UTC kept its UTC day instead of the evening before.
-- The day of a stored timestamp in a zone: first say it is UTC, then convert.
CREATE FUNCTION "shop_day"("p_at" TIMESTAMP, "p_zone" TEXT) RETURNS DATE LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (("p_at" AT TIME ZONE 'UTC') AT TIME ZONE "p_zone")::date
$$;

CREATE OR REPLACE FUNCTION "responses_copy_order_facts"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW."order_id" IS DISTINCT FROM OLD."order_id" THEN
    NEW."vendors" := "order_vendors"(NEW."order_id");
    NEW."country_code" := (SELECT o."country_code" FROM "orders" o WHERE o."id" = NEW."order_id");
  END IF;
  NEW."answered_day" := "shop_day"(NEW."answered_at", "shop_time_zone"(NEW."shop"));
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION "survey_days_add"("p_rows" "survey_invitations"[], "p_sign" INTEGER) RETURNS VOID LANGUAGE sql AS $$
  INSERT INTO "survey_days" AS d ("shop", "day", "stage", "sent", "answered_email", "answered_thank_you",
                                  "answered_order_status", "answered_storefront")
  SELECT c."shop", c."day", c."stage", c."sent", c."email", c."thank_you", c."order_status", c."storefront"
  FROM (
    SELECT i."shop", "shop_day"(i."send_at", "shop_time_zone"(i."shop")) AS "day", i."stage",
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

-- Recounts a shop's survey days from its invitations.
CREATE FUNCTION "survey_days_rebuild"("p_shop" TEXT, "p_zone" TEXT) RETURNS VOID LANGUAGE sql AS $$
  DELETE FROM "survey_days" WHERE "shop" = "p_shop";
  INSERT INTO "survey_days" ("shop", "day", "stage", "sent", "answered_email", "answered_thank_you",
                             "answered_order_status", "answered_storefront")
  SELECT i."shop", "shop_day"(i."send_at", "p_zone"), i."stage",
         count(*) FILTER (WHERE i."sent_at" IS NOT NULL OR i."status" = 'ANSWERED'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'EMAIL'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'THANK_YOU'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'ORDER_STATUS'),
         count(*) FILTER (WHERE i."status" = 'ANSWERED' AND i."channel" = 'STOREFRONT')
  FROM "survey_invitations" i WHERE i."shop" = "p_shop"
  GROUP BY 1, 2, 3 HAVING count(*) FILTER (WHERE i."sent_at" IS NOT NULL OR i."status" = 'ANSWERED') > 0;
$$;

CREATE OR REPLACE FUNCTION "shops_time_zone_changed"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "responses" SET "answered_day" = "shop_day"("answered_at", COALESCE(NEW."timezone", 'UTC'))
  WHERE "shop" = NEW."domain"
    AND "answered_day" IS DISTINCT FROM "shop_day"("answered_at", COALESCE(NEW."timezone", 'UTC'));
  PERFORM "survey_days_rebuild"(NEW."domain", COALESCE(NEW."timezone", 'UTC'));
  RETURN NULL;
END $$;

-- What is stored: only answers whose day was wrong move (their rollups follow by trigger),
-- and the survey days of shops outside UTC are counted again.
UPDATE "responses" SET "answered_day" = "shop_day"("answered_at", "shop_time_zone"("shop"))
WHERE "answered_day" IS DISTINCT FROM "shop_day"("answered_at", "shop_time_zone"("shop"));
SELECT "survey_days_rebuild"(s."domain", s."timezone") FROM "shops" s WHERE COALESCE(s."timezone", 'UTC') <> 'UTC';
