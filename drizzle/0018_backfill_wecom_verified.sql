-- Links made before wecom_verified_at existed: vouched for by WeCom when the latest link of the row
-- to its current account came from OAuth (joining by invitation, or self-binding).
UPDATE "members" AS m
SET "wecom_verified_at" = l."at"
FROM (
  SELECT DISTINCT ON ("team_id", "subject_id") "team_id", "subject_id", "at", "after"
  FROM "audit_log"
  WHERE "action" = 'member.linked' AND "subject_type" = 'member'
  ORDER BY "team_id", "subject_id", "id" DESC
) AS l
WHERE l."team_id" = m."team_id"
  AND l."subject_id" = m."id"::text
  AND m."account_id" IS NOT NULL
  AND m."wecom_user_key" IS NOT NULL
  AND l."after"->>'by' IN ('invitation', 'self')
  AND l."after"->>'accountId' = m."account_id"::text;
