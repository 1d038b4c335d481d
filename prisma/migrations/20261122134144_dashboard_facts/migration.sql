-- AlterTable
ALTER TABLE "responses" ADD COLUMN     "country_code" TEXT,
ADD COLUMN     "vendors" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "responses_shop_country_code_idx" ON "responses"("shop", "country_code");

-- CreateIndex
CREATE INDEX "survey_invitations_shop_send_at_idx" ON "survey_invitations"("shop", "send_at");

-- Hand-written: dashboards group answers by the vendors and shipping country of the answered
-- order. Triggers keep copies of both on the response, so that every way of writing orders,
-- lines or responses (webhooks, history import, the demo seed) keeps them true.
CREATE FUNCTION "order_vendors"("p_order_id" INTEGER) RETURNS TEXT[] LANGUAGE sql STABLE AS $$
  SELECT COALESCE(array_agg(DISTINCT ol."vendor" ORDER BY ol."vendor")
                    FILTER (WHERE ol."vendor" IS NOT NULL AND ol."vendor" <> ''), ARRAY[]::TEXT[])
  FROM "order_lines" ol WHERE ol."order_id" = "p_order_id"
$$;

CREATE FUNCTION "responses_copy_order_facts"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  NEW."vendors" := "order_vendors"(NEW."order_id");
  NEW."country_code" := (SELECT o."country_code" FROM "orders" o WHERE o."id" = NEW."order_id");
  RETURN NEW;
END $$;
CREATE TRIGGER "responses_copy_order_facts" BEFORE INSERT OR UPDATE OF "order_id" ON "responses"
  FOR EACH ROW EXECUTE FUNCTION "responses_copy_order_facts"();

CREATE FUNCTION "responses_refresh_vendors"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "responses" r SET "vendors" = "order_vendors"(r."order_id")
  WHERE r."order_id" IN (SELECT DISTINCT "order_id" FROM "changed_lines")
    AND r."vendors" IS DISTINCT FROM "order_vendors"(r."order_id");
  RETURN NULL;
END $$;
CREATE TRIGGER "order_lines_inserted" AFTER INSERT ON "order_lines" REFERENCING NEW TABLE AS "changed_lines"
  FOR EACH STATEMENT EXECUTE FUNCTION "responses_refresh_vendors"();
CREATE TRIGGER "order_lines_updated" AFTER UPDATE ON "order_lines" REFERENCING NEW TABLE AS "changed_lines"
  FOR EACH STATEMENT EXECUTE FUNCTION "responses_refresh_vendors"();
CREATE TRIGGER "order_lines_deleted" AFTER DELETE ON "order_lines" REFERENCING OLD TABLE AS "changed_lines"
  FOR EACH STATEMENT EXECUTE FUNCTION "responses_refresh_vendors"();

CREATE FUNCTION "responses_refresh_country"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "responses" SET "country_code" = NEW."country_code" WHERE "order_id" = NEW."id";
  RETURN NULL;
END $$;
CREATE TRIGGER "orders_country_changed" AFTER UPDATE OF "country_code" ON "orders"
  FOR EACH ROW WHEN (OLD."country_code" IS DISTINCT FROM NEW."country_code")
  EXECUTE FUNCTION "responses_refresh_country"();

UPDATE "responses" r SET "vendors" = "order_vendors"(r."order_id"),
                         "country_code" = (SELECT o."country_code" FROM "orders" o WHERE o."id" = r."order_id");
