-- CreateEnum
CREATE TYPE "DiscountPurpose" AS ENUM ('REFERRAL');

-- CreateEnum
CREATE TYPE "DiscountCodeStatus" AS ENUM ('PENDING', 'ACTIVE', 'FAILED');

-- CreateEnum
CREATE TYPE "ShareEventKind" AS ENUM ('SHOWN', 'REVIEW_CLICK', 'SHARE_CLICK');

-- AlterEnum
ALTER TYPE "ActionKind" ADD VALUE 'DISCOUNT_CODE';

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "discount_code_id" INTEGER;

-- CreateTable
CREATE TABLE "discount_codes" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "purpose" "DiscountPurpose" NOT NULL,
    "customer_id" INTEGER,
    "response_id" INTEGER,
    "code" TEXT NOT NULL,
    "status" "DiscountCodeStatus" NOT NULL DEFAULT 'PENDING',
    "discount_id" TEXT,
    "terms" JSONB NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activated_at" TIMESTAMP(3),

    CONSTRAINT "discount_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "share_events" (
    "id" SERIAL NOT NULL,
    "shop" TEXT NOT NULL,
    "response_id" INTEGER NOT NULL,
    "kind" "ShareEventKind" NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "first_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "share_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "discount_codes_response_id_key" ON "discount_codes"("response_id");

-- CreateIndex
CREATE UNIQUE INDEX "discount_codes_shop_code_key" ON "discount_codes"("shop", "code");

-- CreateIndex
CREATE UNIQUE INDEX "discount_codes_shop_purpose_customer_id_key" ON "discount_codes"("shop", "purpose", "customer_id");

-- CreateIndex
CREATE INDEX "share_events_shop_kind_idx" ON "share_events"("shop", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "share_events_response_id_kind_key" ON "share_events"("response_id", "kind");

-- CreateIndex
CREATE INDEX "orders_discount_code_id_idx" ON "orders"("discount_code_id");

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_discount_code_id_fkey" FOREIGN KEY ("discount_code_id") REFERENCES "discount_codes"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discount_codes" ADD CONSTRAINT "discount_codes_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_events" ADD CONSTRAINT "share_events_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "share_events" ADD CONSTRAINT "share_events_response_id_fkey" FOREIGN KEY ("response_id") REFERENCES "responses"("id") ON DELETE CASCADE ON UPDATE CASCADE;
