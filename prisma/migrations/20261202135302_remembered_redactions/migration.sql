-- CreateTable
CREATE TABLE "redactions" (
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "redacted_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "redactions_pkey" PRIMARY KEY ("shop","kind","shopify_id")
);

-- AddForeignKey
ALTER TABLE "redactions" ADD CONSTRAINT "redactions_shop_fkey" FOREIGN KEY ("shop") REFERENCES "shops"("domain") ON DELETE CASCADE ON UPDATE CASCADE;

-- Redactions applied before this table existed.
INSERT INTO "redactions" ("shop", "kind", "shopify_id", "redacted_at")
SELECT "shop", 'customer', "shopify_id", "redacted_at" FROM "customers" WHERE "redacted_at" IS NOT NULL
UNION ALL
SELECT "shop", 'order', "shopify_id", "redacted_at" FROM "orders" WHERE "redacted_at" IS NOT NULL
ON CONFLICT DO NOTHING;
