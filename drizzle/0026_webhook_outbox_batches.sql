-- The webhook outbox as the changes' transactions write it: one webhook_batches row per audit
-- statement of a team with an endpoint, naming the statement's audit rows that report events, in
-- order (docs/webhooks.md#the-outbox). A sender fans batches out into webhook_events and
-- webhook_deliveries outside those transactions, building each event from its audit row: an
-- event and a delivery per member, with their keys and indexes, cost an import of 100,000 members
-- about half its time again, and building each event's JSON here almost as much. What an audit row
-- does not hold is taken here: a member event other than an import's reports the member as this
-- transaction left it (`snapshots`). Endpoints' event filters are applied at the fan-out.
CREATE OR REPLACE FUNCTION webhook_outbox_from_audit() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM webhook_endpoints e
    WHERE e.disabled_at IS NULL AND e.team_id IN (SELECT DISTINCT team_id FROM new_rows)
  ) THEN
    RETURN NULL;
  END IF;
  INSERT INTO webhook_batches (team_id, audit_ids, snapshots, created_at)
  SELECT a.team_id, array_agg(a.id ORDER BY a.id),
    jsonb_object_agg(a.id::text, CASE WHEN a.subject_type = 'member' THEN coalesce(
        (SELECT jsonb_build_object('memberId', m.id, 'wecomUserId', m.wecom_user_id, 'name', m.name, 'status', m.status,
           'departmentIds', to_jsonb(m.department_ids), 'mainDepartmentId', m.main_department_id)
         FROM members m WHERE m.id = a.subject_id::bigint),
        jsonb_build_object('memberId', a.subject_id::bigint)) END)
      FILTER (WHERE a.subject_type = 'member' AND a.action <> 'member.created'),
    max(a.at)
  FROM new_rows a
  WHERE a.action IN ('member.created', 'member.joined', 'member.updated', 'member.moved', 'member.restored', 'member.unlocked',
      'department.created', 'department.updated', 'department.deleted', 'department.moved')
    OR (a.action = 'member.deprovisioned' AND a.after->>'status' IN ('locked', 'removed', 'deauthorized'))
  GROUP BY a.team_id
  HAVING EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.team_id = a.team_id AND e.disabled_at IS NULL);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
