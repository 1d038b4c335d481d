-- The shapes of the staging tables of order-history imports. Each run creates its own
-- (CREATE UNLOGGED TABLE import_staged_orders_<run id> (LIKE import_staged_orders)), COPYs a
-- chunk of the file into it, applies the chunk to customers, orders and order_lines
-- set-based, and empties it with TRUNCATE in the same transaction: no dead rows for later
-- chunks to scan, and no lock shared with another shop's import. UNLOGGED: no write-ahead log
-- for rows that live a few seconds; after a crash PostgreSQL empties them, and the
-- interrupted import is simply run again. These two stay empty.
CREATE UNLOGGED TABLE "import_staged_orders" (
    "line_no" INTEGER NOT NULL,
    "shopify_id" BIGINT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "locale" TEXT,
    "currency" TEXT NOT NULL,
    "current_total" DECIMAL(14,2) NOT NULL,
    "total_price" DECIMAL(14,2) NOT NULL,
    "country_code" TEXT,
    "test" BOOLEAN NOT NULL,
    "fulfillment_status" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "processed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "cancelled_at" TIMESTAMPTZ(3),
    "customer_shopify_id" BIGINT
);

CREATE UNLOGGED TABLE "import_staged_lines" (
    "line_no" INTEGER NOT NULL,
    "order_shopify_id" BIGINT NOT NULL,
    "order_updated_at" TIMESTAMPTZ(3),
    "shopify_line_id" BIGINT NOT NULL,
    "product_id" BIGINT,
    "vendor" TEXT,
    "quantity" INTEGER NOT NULL,
    "amount" DECIMAL(14,2) NOT NULL
);
