-- A customer at risk carries the brands of the answer and the customer's segment at the refresh.
ALTER TABLE "customer_risks"
  ADD COLUMN "vendors" TEXT[] DEFAULT ARRAY[]::TEXT[],
  ADD COLUMN "segment" "RfmSegment";

UPDATE "customer_risks" k SET "vendors" = r."vendors", "segment" = c."segment"
FROM "responses" r, "customers" c WHERE r."id" = k."response_id" AND c."id" = k."customer_id";
