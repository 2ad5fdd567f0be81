-- time-in-stage over all history as of the fixture's NOW: every visit (a move into a stage until
-- the subject's next move, or NOW while open), lifecycle stages of live contacts but the last
-- (their visits as the snapshot's lifecycle_visits holds them), then the pipeline's open stages.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
now AS (SELECT floor(epoch(TIMESTAMPTZ '2026-01-30 00:00:00+00')) AS s),
lifecycle AS (
    SELECT contact_id, stage, entered_at AS occurred_at, left_at, seconds
    FROM lifecycle_visits
    WHERE workspace_id = (SELECT id FROM ws) AND entered_at < TIMESTAMPTZ '2026-01-30 00:00:00+00'
),
pipeline AS (
    SELECT deal_id, to_stage AS stage, occurred_at,
           lead(occurred_at) OVER (PARTITION BY deal_id ORDER BY occurred_at, id) AS left_at
    FROM deal_stage_history
    WHERE workspace_id = (SELECT id FROM ws) AND occurred_at < TIMESTAMPTZ '2026-01-30 00:00:00+00'
),
visits AS (
    SELECT 0 AS scope_rank, 'lifecycle' AS scope, NULL AS pipeline, v.stage, v.left_at IS NULL AS open,
           coalesce(v.seconds, (SELECT s FROM now) - floor(epoch(v.occurred_at))) AS seconds
    FROM lifecycle v
    JOIN contacts c ON c.id = v.contact_id AND c.merged_into_id IS NULL
        AND c.workspace_id = (SELECT id FROM ws)
    WHERE v.stage <> 'customer'
    UNION ALL
    SELECT 1, 'pipeline', d.pipeline, v.stage, v.left_at IS NULL,
           coalesce(floor(epoch(v.left_at)), (SELECT s FROM now)) - floor(epoch(v.occurred_at))
    FROM pipeline v
    JOIN deals d ON d.id = v.deal_id AND d.workspace_id = (SELECT id FROM ws)
    WHERE (d.pipeline, v.stage) NOT IN (VALUES ('new_business', 'won'), ('new_business', 'lost'))
)
SELECT scope, pipeline, stage, count(*) AS visits, count(*) FILTER (open) AS open_visits,
       sum(seconds) / count(*) / 86400 AS mean_days,
       median(seconds) / 86400 AS median_days  -- the middle one, or the mean of the middle two
FROM visits
GROUP BY scope_rank, scope, pipeline, stage
ORDER BY scope_rank, pipeline, stage
