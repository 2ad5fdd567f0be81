-- health over all history, b2b-saas stages: each deal as its last history row left it.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
stages(pipeline, stage, kind) AS (
    VALUES ('new_business', 'won', 'won'), ('new_business', 'lost', 'lost')
),
last AS (
    SELECT deal_id, arg_max(to_stage, (occurred_at, id)) AS stage,
           max(occurred_at) AS stage_at, min(occurred_at) AS opened_at
    FROM deal_stage_history WHERE workspace_id = (SELECT id FROM ws)
    GROUP BY deal_id
),
states AS (
    SELECT coalesce(s.kind, 'open') AS kind, d.amount,
           floor(epoch(l.stage_at)) - floor(epoch(l.opened_at)) AS seconds
    FROM last l
    JOIN deals d ON d.id = l.deal_id AND d.workspace_id = (SELECT id FROM ws)
    LEFT JOIN stages s ON s.pipeline = d.pipeline AND s.stage = l.stage
),
totals AS (
    SELECT count(*) FILTER (kind = 'open') AS open_deals,
           count(*) FILTER (kind = 'won') AS won_deals,
           count(*) FILTER (kind = 'lost') AS lost_deals,
           sum(amount) FILTER (kind = 'won') AS won_value,
           sum(amount) FILTER (kind = 'lost') AS lost_value,
           sum(seconds) FILTER (kind = 'won') AS won_seconds
    FROM states
)
SELECT open_deals, won_deals, lost_deals,
       won_deals / nullif(won_deals + lost_deals, 0) AS win_rate,
       won_value / nullif(won_value + lost_value, 0) AS win_rate_value,
       won_value / nullif(won_deals, 0) AS avg_deal_size,
       won_seconds / nullif(won_deals, 0) / 86400 AS avg_days_to_close,
       -- from the sums, as the report does (not from the size rounded to the cent)
       open_deals * won_value::DOUBLE * won_deals * 86400
           / nullif((won_deals + lost_deals) * won_seconds, 0) AS velocity_per_day
FROM totals
WHERE open_deals + won_deals + lost_deals > 0
