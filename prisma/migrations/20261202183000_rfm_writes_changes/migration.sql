-- RFM runs write only the customers whose figures, scores or segment change. Recency moves
-- every day for every customer, so it is no longer stored: it follows from last_order_at and
-- the date of the run.
ALTER TABLE "customers" DROP COLUMN "recency_days";

-- An answer's customer facts (segment, monetary score) and its order's earlier answer are
-- looked up only when the answer's customer, order or stage is written: when a whole shop's
-- segments move, copying each customer's segment onto their answers no longer runs a
-- PL/pgSQL function per answer that then does nothing.
DROP TRIGGER "responses_copy_answer_facts" ON "responses";
CREATE TRIGGER "responses_copy_answer_facts" BEFORE INSERT OR UPDATE OF "customer_id", "order_id", "stage" ON "responses"
  FOR EACH ROW EXECUTE FUNCTION "responses_copy_answer_facts"();
