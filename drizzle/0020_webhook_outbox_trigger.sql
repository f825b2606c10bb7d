-- The webhook outbox is fed by the audit log: every change the service records is audited in the
-- transaction that makes it, so an outbox row written by this trigger commits (or rolls back)
-- with that change. One statement-level trigger covers every writer, including the bulk inserts
-- of an import, and costs one EXISTS when the team has no endpoint.
CREATE OR REPLACE FUNCTION webhook_outbox_from_audit() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM webhook_endpoints e
    WHERE e.disabled_at IS NULL AND e.team_id IN (SELECT DISTINCT team_id FROM new_rows)
  ) THEN
    RETURN NULL;
  END IF;
  WITH typed AS (
    SELECT a.*, CASE
        WHEN a.action = 'member.created' THEN 'member.imported'
        WHEN a.action IN ('member.joined', 'member.updated', 'member.moved', 'member.restored') THEN a.action
        WHEN a.action = 'member.unlocked' THEN 'member.restored'
        WHEN a.action = 'member.deprovisioned' AND a.after->>'status' IN ('locked', 'removed', 'deauthorized') THEN 'member.' || (a.after->>'status')
        WHEN a.action IN ('department.created', 'department.updated', 'department.deleted') THEN a.action
        WHEN a.action = 'department.moved' THEN 'department.updated'
      END AS type
    FROM new_rows a
  ), ev AS (
    INSERT INTO webhook_events (event_id, team_id, type, subject, data, created_at)
    SELECT 'msg_' || replace(gen_random_uuid()::text, '-', ''), t.team_id, t.type, t.subject_type || ':' || t.subject_id,
      CASE WHEN t.subject_type = 'member' THEN
        coalesce(
          (SELECT jsonb_build_object('memberId', m.id, 'wecomUserId', m.wecom_user_id, 'name', m.name, 'status', m.status,
             'departmentIds', to_jsonb(m.department_ids), 'mainDepartmentId', m.main_department_id)
           FROM members m WHERE m.id = t.subject_id::bigint),
          jsonb_build_object('memberId', t.subject_id::bigint))
        || jsonb_build_object('jobId', t.job_id)
      ELSE
        jsonb_build_object('departmentId', t.subject_id::bigint, 'jobId', t.job_id) || coalesce(t.after, t.before, '{}'::jsonb)
      END,
      t.at
    FROM typed t
    WHERE t.type IS NOT NULL AND EXISTS (
      SELECT 1 FROM webhook_endpoints e
      WHERE e.team_id = t.team_id AND e.disabled_at IS NULL AND (e.events IS NULL OR t.type = ANY (e.events)))
    ORDER BY t.id
    RETURNING id, team_id, type, subject, created_at
  )
  INSERT INTO webhook_deliveries (endpoint_id, event_id, subject, status, attempts, next_attempt_at, created_at)
  SELECT e.id, ev.id, ev.subject, 'pending', 0, ev.created_at, ev.created_at
  FROM ev JOIN webhook_endpoints e
    ON e.team_id = ev.team_id AND e.disabled_at IS NULL AND (e.events IS NULL OR ev.type = ANY (e.events))
  ORDER BY ev.id, e.id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER audit_log_webhook_outbox AFTER INSERT ON "audit_log"
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION webhook_outbox_from_audit();
