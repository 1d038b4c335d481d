-- CreateIndex
CREATE INDEX "responses_vendors_idx" ON "responses" USING GIN ("vendors");

-- CreateIndex
CREATE INDEX "vendor_months_shop_vendor_month_idx" ON "vendor_months"("shop", "vendor", "month");

-- CreateIndex
CREATE INDEX "vendor_days_shop_vendor_day_idx" ON "vendor_days"("shop", "vendor", "day");

-- CreateIndex
CREATE INDEX "response_themes_vendors_idx" ON "response_themes" USING GIN ("vendors");

-- CreateIndex
CREATE INDEX "theme_vendor_months_shop_vendor_month_idx" ON "theme_vendor_months"("shop", "vendor", "month");

-- CreateIndex
CREATE INDEX "theme_vendor_days_shop_vendor_day_idx" ON "theme_vendor_days"("shop", "vendor", "day");
