-- CreateIndex
CREATE INDEX "comment_classifications_shop_themes_pending_response_id_idx" ON "comment_classifications"("shop", "themes", "pending", "response_id");
