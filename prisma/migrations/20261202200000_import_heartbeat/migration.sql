-- An import reading its file touches heartbeat_at with every chunk: a run whose process ended
-- (a crash, Ctrl-C) stops touching it, and is failed (a file) or read again (a Bulk
-- Operation) instead of holding the shop's import slot for ever.
ALTER TABLE "history_imports" ADD COLUMN "heartbeat_at" TIMESTAMP(3);
