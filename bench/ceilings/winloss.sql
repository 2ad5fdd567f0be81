-- winloss over all history: each deal as its last history row left it, won or lost by that row.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
stages(pipeline, stage, kind) AS (
    VALUES ('new_business', 'won', 'won'), ('new_business', 'lost', 'lost')
),
last AS (
    SELECT deal_id, arg_max(to_stage, (occurred_at, id)) AS stage,
           arg_max(from_stage, (occurred_at, id)) AS closed_from,
           arg_max(reason, (occurred_at, id)) AS reason
    FROM deal_stage_history WHERE workspace_id = (SELECT id FROM ws)
    GROUP BY deal_id
),
closed AS (
    SELECT d.pipeline, l.closed_from, s.kind AS outcome,
           CASE WHEN s.kind = 'lost' THEN l.reason END AS reason,
           count(*) AS deals, sum(d.amount) AS amount
    FROM last l
    JOIN deals d ON d.id = l.deal_id AND d.workspace_id = (SELECT id FROM ws)
    JOIN stages s ON s.pipeline = d.pipeline AND s.stage = l.stage
    GROUP BY ALL
)
SELECT pipeline, closed_from, outcome, reason, deals, amount,
       deals / sum(deals) OVER (PARTITION BY outcome) AS share
FROM closed
ORDER BY pipeline, closed_from, outcome DESC, reason NULLS LAST
