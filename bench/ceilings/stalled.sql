-- stalled as of the fixture's NOW: the deals open then, waiting since their last move.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
stages(pipeline, stage, kind, rotting_days) AS (
    VALUES ('new_business', 'discovery', 'open', 14), ('new_business', 'demo', 'open', 14),
           ('new_business', 'proposal', 'open', 21), ('new_business', 'negotiation', 'open', 21),
           ('new_business', 'won', 'won', NULL), ('new_business', 'lost', 'lost', NULL)
),
last AS (
    SELECT deal_id, arg_max(to_stage, (occurred_at, id)) AS stage, max(occurred_at) AS stage_at
    FROM deal_stage_history
    WHERE workspace_id = (SELECT id FROM ws) AND occurred_at < TIMESTAMPTZ '2026-01-30 00:00:00+00'
    GROUP BY deal_id
),
waiting AS (
    SELECT d.id AS deal_id, d.pipeline, l.stage, d.amount, d.owner_id, s.rotting_days,
           floor(epoch(TIMESTAMPTZ '2026-01-30 00:00:00+00')) - floor(epoch(l.stage_at)) AS seconds
    FROM last l
    JOIN deals d ON d.id = l.deal_id AND d.workspace_id = (SELECT id FROM ws)
    LEFT JOIN stages s ON s.pipeline = d.pipeline AND s.stage = l.stage
    WHERE coalesce(s.kind, 'open') = 'open'
),
marked AS (
    SELECT *, coalesce(seconds >= rotting_days * 86400, false) AS stalled FROM waiting
)
SELECT pipeline, stage, NULL::BIGINT AS deal_id, NULL AS owner, max(rotting_days) AS rotting_days,
       count(*) AS open_deals, count(*) FILTER (stalled) AS stalled_deals,
       coalesce(sum(amount) FILTER (stalled), 0) AS stalled_value,
       sum(seconds) / count(*) / 86400 AS days_in_stage, max(seconds) / 86400 AS max_days_in_stage
FROM marked GROUP BY pipeline, stage
UNION ALL
SELECT m.pipeline, m.stage, m.deal_id, u.email, m.rotting_days, 1, 1, m.amount,
       m.seconds / 86400, m.seconds / 86400
FROM marked m LEFT JOIN users u ON u.id = m.owner_id
WHERE m.stalled
ORDER BY deal_id NULLS FIRST
