-- AlterEnum
ALTER TYPE "ActionKind" ADD VALUE 'APOLOGY_EMAIL';

-- AlterEnum
ALTER TYPE "DiscountPurpose" ADD VALUE 'APOLOGY';

-- DropIndex
DROP INDEX "discount_codes_shop_purpose_customer_id_key";

-- AlterTable
ALTER TABLE "discount_codes" ADD COLUMN     "case_id" INTEGER,
ADD COLUMN     "ends_at" TIMESTAMP(3);

-- CreateIndex
CREATE UNIQUE INDEX "discount_codes_case_id_key" ON "discount_codes"("case_id");

-- CreateIndex
CREATE INDEX "discount_codes_shop_purpose_customer_id_idx" ON "discount_codes"("shop", "purpose", "customer_id");

-- AddForeignKey
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "follow_up_cases"("id") ON DELETE SET NULL ON UPDATE CASCADE;
