-- When the first rows of an import's file arrived (a Bulk Operation's start is Shopify's
-- export, not the file): the order history page derives rows per second and time left from it.
ALTER TABLE "history_imports" ADD COLUMN "rows_started_at" TIMESTAMP(3);
