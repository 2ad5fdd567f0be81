-- forecast as of the fixture's NOW: the deals open then, per pipeline and expected close month.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
stages(pipeline, stage, kind, probability) AS (
    VALUES ('new_business', 'discovery', 'open', 0.1), ('new_business', 'demo', 'open', 0.3),
           ('new_business', 'proposal', 'open', 0.6), ('new_business', 'negotiation', 'open', 0.8),
           ('new_business', 'won', 'won', 1.0), ('new_business', 'lost', 'lost', 0.0)
),
last AS (
    SELECT deal_id, arg_max(to_stage, (occurred_at, id)) AS stage
    FROM deal_stage_history
    WHERE workspace_id = (SELECT id FROM ws) AND occurred_at < TIMESTAMPTZ '2026-01-30 00:00:00+00'
    GROUP BY deal_id
)
SELECT d.pipeline, strftime(d.expected_close_on, '%Y-%m') AS close_month,
       count(*) AS open_deals, sum(d.amount) AS amount,
       sum(d.amount * coalesce(s.probability, 0)) AS weighted_amount  -- a stage not defined: 0
FROM last l
JOIN deals d ON d.id = l.deal_id AND d.workspace_id = (SELECT id FROM ws)
LEFT JOIN stages s ON s.pipeline = d.pipeline AND s.stage = l.stage
WHERE coalesce(s.kind, 'open') = 'open'
GROUP BY ALL
ORDER BY d.pipeline, close_month NULLS LAST
