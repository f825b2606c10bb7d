-- The webhook outbox as an import's transactions write it: one webhook_batches row per audit
-- statement of a team with an endpoint, its events in audit order (docs/webhooks.md#the-outbox).
-- A sender fans batches out into webhook_events and webhook_deliveries outside those
-- transactions; an event and a delivery per member, with their keys and indexes, cost an import
-- of 100,000 members about as much as the import itself. A member.created entry carries the new
-- member in its `after`, so an import's events need no lookup; other member events read the member
-- as this transaction left it.
ALTER TABLE "webhook_batches" ALTER COLUMN "events" SET STORAGE EXTERNAL;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION webhook_outbox_from_audit() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM webhook_endpoints e
    WHERE e.disabled_at IS NULL AND e.team_id IN (SELECT DISTINCT team_id FROM new_rows)
  ) THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_batches (team_id, events, created_at)
  SELECT t.team_id,
    jsonb_agg(jsonb_build_object('type', t.type, 'subject', t.subject_type || ':' || t.subject_id, 'at', t.at, 'data',
      CASE
        WHEN t.action = 'member.created' THEN
          jsonb_build_object('memberId', t.subject_id::bigint, 'wecomUserId', t.after->'wecomUserId', 'name', t.after->'name',
            'status', 'imported', 'departmentIds', t.after->'departmentIds', 'mainDepartmentId', t.after->'mainDepartmentId', 'jobId', t.job_id)
        WHEN t.subject_type = 'member' THEN
          coalesce(
            (SELECT jsonb_build_object('memberId', m.id, 'wecomUserId', m.wecom_user_id, 'name', m.name, 'status', m.status,
               'departmentIds', to_jsonb(m.department_ids), 'mainDepartmentId', m.main_department_id)
             FROM members m WHERE m.id = t.subject_id::bigint),
            jsonb_build_object('memberId', t.subject_id::bigint))
          || jsonb_build_object('jobId', t.job_id)
        ELSE
          jsonb_build_object('departmentId', t.subject_id::bigint, 'jobId', t.job_id) || coalesce(t.after, t.before, '{}'::jsonb)
      END) ORDER BY t.id),
    max(t.at)
  FROM (
    SELECT a.*, CASE
        WHEN a.action = 'member.created' THEN 'member.imported'
        WHEN a.action IN ('member.joined', 'member.updated', 'member.moved', 'member.restored') THEN a.action
        WHEN a.action = 'member.unlocked' THEN 'member.restored'
        WHEN a.action = 'member.deprovisioned' AND a.after->>'status' IN ('locked', 'removed', 'deauthorized') THEN 'member.' || (a.after->>'status')
        WHEN a.action IN ('department.created', 'department.updated', 'department.deleted') THEN a.action
        WHEN a.action = 'department.moved' THEN 'department.updated'
      END AS type
    FROM new_rows a
  ) t
  WHERE t.type IS NOT NULL AND EXISTS (
    SELECT 1 FROM webhook_endpoints e
    WHERE e.team_id = t.team_id AND e.disabled_at IS NULL AND (e.events IS NULL OR t.type = ANY (e.events)))
  GROUP BY t.team_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
