-- AlterTable
ALTER TABLE "shops" ADD COLUMN     "brand" JSONB,
ADD COLUMN     "brand_synced_at" TIMESTAMP(3);
