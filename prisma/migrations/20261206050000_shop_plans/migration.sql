-- AlterTable
ALTER TABLE "shops" ADD COLUMN     "shopify_gid" TEXT;

-- CreateTable
CREATE TABLE "shop_plans" (
    "shop" TEXT NOT NULL,
    "plan_handle" TEXT NOT NULL DEFAULT 'free',
    "plan_name" TEXT NOT NULL DEFAULT 'Free',
    "answer_limit" INTEGER DEFAULT 100,
    "subscription_id" TEXT,
    "subscription_status" TEXT,
    "test" BOOLEAN NOT NULL DEFAULT false,
    "subscription_created_at" TIMESTAMP(3),
    "subscription_updated_at" TIMESTAMP(3),
    "cycle_starts_at" TIMESTAMP(3) NOT NULL,
    "cycle_ends_at" TIMESTAMP(3) NOT NULL,
    "limit_reached_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shop_plans_pkey" PRIMARY KEY ("shop")
);

-- AddForeignKey
ALTER TABLE "shop_plans" ADD CONSTRAINT "shop_plans_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;
