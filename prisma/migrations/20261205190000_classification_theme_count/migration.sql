-- How many themes a read comment has: the comments no theme covers are found without looking
-- each one up in response_themes (a lookup per comment took 300 ms on 70,000 comments).
ALTER TABLE "comment_classifications" ADD COLUMN "themes" SMALLINT NOT NULL DEFAULT 0;

UPDATE "comment_classifications" c SET "themes" = t.n
FROM (SELECT "response_id", count(*)::smallint AS n FROM "response_themes" GROUP BY 1) t
WHERE t."response_id" = c."response_id";
