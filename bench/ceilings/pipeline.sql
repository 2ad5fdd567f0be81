-- pipeline over all history: open deals per stage, as each deal's last history row left it.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
stages(pipeline, stage, position, probability) AS (
    VALUES ('new_business', 'discovery', 0, 0.1), ('new_business', 'demo', 1, 0.3),
           ('new_business', 'proposal', 2, 0.6), ('new_business', 'negotiation', 3, 0.8)
),
closing(pipeline, stage) AS (VALUES ('new_business', 'won'), ('new_business', 'lost')),
last AS (
    SELECT deal_id, arg_max(to_stage, (occurred_at, id)) AS stage
    FROM deal_stage_history WHERE workspace_id = (SELECT id FROM ws)
    GROUP BY deal_id
),
open AS (
    SELECT d.pipeline, l.stage, count(*) AS open_deals, sum(d.amount) AS value
    FROM last l
    JOIN deals d ON d.id = l.deal_id AND d.workspace_id = (SELECT id FROM ws)
    WHERE (d.pipeline, l.stage) NOT IN (SELECT (pipeline, stage) FROM closing)
    GROUP BY ALL
)
SELECT s.pipeline, s.stage, s.probability, coalesce(o.open_deals, 0) AS open_deals,
       coalesce(o.value, 0) AS value, coalesce(o.value, 0) * s.probability AS weighted_value
FROM stages s LEFT JOIN open o USING (pipeline, stage)
WHERE (SELECT count(*) FROM open) > 0
UNION ALL
SELECT o.pipeline, o.stage, 0.0, o.open_deals, o.value, 0.0
FROM open o ANTI JOIN stages s USING (pipeline, stage)
