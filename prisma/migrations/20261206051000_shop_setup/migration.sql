-- CreateTable
CREATE TABLE "shop_setup" (
    "shop" TEXT NOT NULL,
    "embed_seen_at" TIMESTAMP(3),
    "thank_you_seen_at" TIMESTAMP(3),
    "order_status_seen_at" TIMESTAMP(3),
    "settings_saved_at" TIMESTAMP(3),
    "test_token_hash" TEXT,
    "test_sent_to" TEXT,
    "test_sent_at" TIMESTAMP(3),
    "test_answered_at" TIMESTAMP(3),
    "test_score" SMALLINT,
    "test_comment" TEXT,
    "dismissed_at" TIMESTAMP(3),
    "updated_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shop_setup_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE UNIQUE INDEX "shop_setup_test_token_hash_key" ON "shop_setup"("test_token_hash");

-- AddForeignKey
ALTER TABLE "shop_setup" ADD CONSTRAINT "shop_setup_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;
