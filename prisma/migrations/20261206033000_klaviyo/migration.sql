-- AlterEnum
ALTER TYPE "ActionKind" ADD VALUE 'KLAVIYO_EVENT';

-- CreateTable
CREATE TABLE "klaviyo_connections" (
    "shop" TEXT NOT NULL,
    "api_key" TEXT NOT NULL,
    "account_id" TEXT,
    "account_name" TEXT,
    "connected_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "backfill_total" INTEGER NOT NULL DEFAULT 0,
    "backfill_done" INTEGER NOT NULL DEFAULT 0,
    "backfill_cursor" INTEGER NOT NULL DEFAULT 0,
    "backfill_finished_at" TIMESTAMP(3),
    "backfill_up_to" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "klaviyo_connections_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "klaviyo_profile_syncs" (
    "customer_id" INTEGER NOT NULL,
    "shop" TEXT NOT NULL,
    "queued_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "klaviyo_profile_syncs_pkey" PRIMARY KEY ("customer_id")
);

-- CreateIndex
CREATE INDEX "klaviyo_profile_syncs_shop_queued_at_idx" ON "klaviyo_profile_syncs"("shop", "queued_at");

-- AddForeignKey
ALTER TABLE "klaviyo_connections" ADD CONSTRAINT "klaviyo_connections_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "klaviyo_profile_syncs" ADD CONSTRAINT "klaviyo_profile_syncs_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
