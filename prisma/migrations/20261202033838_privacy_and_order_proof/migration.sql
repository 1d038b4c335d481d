-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "confirmation_number" TEXT,
ADD COLUMN     "redacted_at" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "body_cleared_at" TIMESTAMP(3),
ALTER COLUMN "body" DROP NOT NULL;

-- AlterTable
ALTER TABLE "data_requests" ADD COLUMN     "downloaded_at" TIMESTAMP(3),
ADD COLUMN     "purged_at" TIMESTAMP(3),
ALTER COLUMN "data" DROP NOT NULL;

-- Orders of customers redacted before this migration stay redacted too.
UPDATE "orders" o SET "redacted_at" = c."redacted_at"
FROM "customers" c
WHERE o."customer_id" = c."id" AND c."redacted_at" IS NOT NULL AND o."redacted_at" IS NULL;
