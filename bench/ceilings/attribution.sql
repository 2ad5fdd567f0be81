-- attribution over all history: every won deal's amount shared among its touches under the six
-- models (weights in doubles, the report's are exact fractions), beside what each first-touch
-- channel and campaign acquired and cost. Lead stages: the funnel's from the second on.
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
channel_keys AS (SELECT id, key FROM channels WHERE workspace_id = (SELECT id FROM ws)),
campaign_names AS (SELECT id, name, channel_id FROM campaigns WHERE workspace_id = (SELECT id FROM ws)),
contacts_named AS (
    SELECT c.id, coalesce(k.key, 'direct') AS channel, n.name AS campaign
    FROM contacts c
    LEFT JOIN channel_keys k ON k.id = c.channel_id
    LEFT JOIN campaign_names n ON n.id = c.campaign_id
    WHERE c.workspace_id = (SELECT id FROM ws)
),
moves AS (SELECT * FROM lifecycle_transitions WHERE workspace_id = (SELECT id FROM ws)),
history AS (SELECT * FROM deal_stage_history WHERE workspace_id = (SELECT id FROM ws)),
won AS (
    SELECT h.deal_id, d.contact_id, d.amount, h.occurred_at AS won_at
    FROM history h
    JOIN deals d ON d.id = h.deal_id AND d.workspace_id = (SELECT id FROM ws)
    WHERE d.pipeline = 'new_business' AND h.to_stage = 'won'
),
opened AS (SELECT deal_id, min(occurred_at) AS opened_at FROM history GROUP BY deal_id),
became AS (
    SELECT contact_id, min(occurred_at) AS lead_at FROM moves
    WHERE to_stage IN ('lead', 'mql', 'sal', 'sql', 'opportunity', 'customer')
    GROUP BY contact_id
),
deals_won AS (
    SELECT w.deal_id, w.contact_id, w.amount, floor(epoch(w.won_at)) AS won_s,
           floor(epoch(o.opened_at)) AS opened_s, floor(epoch(b.lead_at)) AS lead_s, w.won_at
    FROM won w JOIN opened o USING (deal_id) LEFT JOIN became b USING (contact_id)
),
touched AS (
    SELECT w.deal_id, e.id AS event_id, k.key AS channel, n.name AS campaign,
           floor(epoch(e.occurred_at)) AS touch_s
    FROM events e
    JOIN channel_keys k ON k.id = e.channel_id AND k.key <> 'direct'
    LEFT JOIN campaign_names n ON n.id = e.campaign_id
    JOIN deals_won w ON w.contact_id = e.contact_id AND e.occurred_at <= w.won_at
    WHERE e.workspace_id = (SELECT id FROM ws)
),
touches AS (  -- a deal without a touch gets its contact's first touch, at the won moment
    SELECT deal_id, event_id, channel, campaign, touch_s FROM touched
    UNION ALL
    SELECT w.deal_id, 0, c.channel, c.campaign, w.won_s
    FROM deals_won w JOIN contacts_named c ON c.id = w.contact_id
    WHERE w.deal_id NOT IN (SELECT deal_id FROM touched)
),
journeys AS (
    SELECT t.*, w.amount, w.won_s - t.touch_s AS age,
           row_number() OVER (PARTITION BY t.deal_id ORDER BY t.touch_s, t.event_id) - 1 AS i,
           count(*) OVER (PARTITION BY t.deal_id) AS n,
           max(CASE WHEN t.touch_s <= w.lead_s THEN 1 ELSE 0 END) OVER (PARTITION BY t.deal_id)
               AS has_lead,
           count(*) FILTER (t.touch_s <= w.lead_s) OVER (PARTITION BY t.deal_id) - 1 AS lead_i,
           count(*) FILTER (t.touch_s <= w.opened_s) OVER (PARTITION BY t.deal_id) - 1 AS opp_i,
           min(w.won_s - t.touch_s) OVER (PARTITION BY t.deal_id) AS youngest
    FROM touches t JOIN deals_won w USING (deal_id)
),
anchored AS (  -- the milestone touches (null when none came before), the last anchor, the middle
    SELECT *, CASE WHEN lead_i >= 0 THEN lead_i END AS l, CASE WHEN opp_i >= 0 THEN opp_i END AS o
    FROM journeys
),
shaped AS (
    SELECT *,
           coalesce(l, 0) AS u_last,
           coalesce(l, 0) + 1 - (1 + (coalesce(l, 0) > 0)::INT) AS u_middle,
           greatest(0, coalesce(l, 0), coalesce(o, 0)) AS w_last,
           greatest(0, coalesce(l, 0), coalesce(o, 0)) + 1
               - (1 + (coalesce(l, 0) > 0)::INT
                  + (coalesce(o, 0) > 0 AND o IS DISTINCT FROM l)::INT) AS w_middle
    FROM anchored
),
weighted AS (
    SELECT channel, campaign, amount, 'first-touch' AS model, 0 AS model_rank,
           (i = 0)::INT::DOUBLE AS weight FROM shaped
    UNION ALL
    SELECT channel, campaign, amount, 'last-touch', 1, (i = n - 1)::INT::DOUBLE FROM shaped
    UNION ALL
    SELECT channel, campaign, amount, 'linear', 2, 1.0 / n FROM shaped
    UNION ALL
    SELECT channel, campaign, amount, 'u-shaped', 3,
           (0.4 * (i = 0)::INT + 0.4 * (i IS NOT DISTINCT FROM l)::INT
            + CASE WHEN i < u_last AND i <> 0 AND i IS DISTINCT FROM l THEN 0.2 / u_middle ELSE 0 END)
           / (0.4 + 0.4 * (l IS NOT NULL)::INT + 0.2 * (u_middle > 0)::INT)
    FROM shaped
    UNION ALL
    SELECT channel, campaign, amount, 'w-shaped', 4,
           (0.3 * (i = 0)::INT + 0.3 * (i IS NOT DISTINCT FROM l)::INT
            + 0.3 * (i IS NOT DISTINCT FROM o)::INT
            + CASE WHEN i < w_last AND i <> 0 AND i IS DISTINCT FROM l AND i IS DISTINCT FROM o
                   THEN 0.1 / w_middle ELSE 0 END)
           / (0.3 + 0.3 * (l IS NOT NULL)::INT + 0.3 * (o IS NOT NULL)::INT
              + 0.1 * (w_middle > 0)::INT)
    FROM shaped
    UNION ALL
    SELECT channel, campaign, amount, 'time-decay', 5,
           pow(0.5, (age - youngest) / 604800.0)
           / sum(pow(0.5, (age - youngest) / 604800.0)) OVER (PARTITION BY deal_id)
    FROM shaped
),
earned AS (
    SELECT model, model_rank, channel, campaign, sum(weight) AS attributed_deals,
           -- to the cent, half-even, as the report: each weight to 12 decimals so that an
           -- exact half cent (an amount shared 50/50) stays one
           round_even(sum(amount * weight::DECIMAL(38, 12)), 2) AS revenue
    FROM weighted GROUP BY ALL
),
firsts AS (
    SELECT contact_id,
           min(occurred_at) FILTER (to_stage IN ('lead', 'mql', 'sal', 'sql', 'opportunity',
                                                 'customer')) AS lead_at,
           min(occurred_at) FILTER (to_stage = 'customer') AS customer_at
    FROM moves GROUP BY contact_id
),
acquired AS (
    SELECT c.channel, c.campaign, count(f.lead_at) AS leads, count(f.customer_at) AS customers
    FROM firsts f JOIN contacts_named c ON c.id = f.contact_id
    GROUP BY ALL
),
qualified AS (
    SELECT c.channel, c.campaign, count(*) AS mqls
    FROM moves m JOIN contacts_named c ON c.id = m.contact_id
    WHERE m.to_stage = 'mql'
    GROUP BY ALL
),
costs AS (
    SELECT coalesce(k.key, 'direct') AS channel, n.name AS campaign, sum(cc.amount) AS cost
    FROM campaign_costs cc
    JOIN campaign_names n ON n.id = cc.campaign_id
    LEFT JOIN channel_keys k ON k.id = n.channel_id
    WHERE cc.workspace_id = (SELECT id FROM ws)
    GROUP BY ALL
),
keys AS (
    SELECT channel, campaign FROM acquired UNION SELECT channel, campaign FROM qualified
    UNION SELECT channel, campaign FROM costs UNION SELECT channel, campaign FROM earned
),
models(model, model_rank) AS (
    VALUES ('first-touch', 0), ('last-touch', 1), ('linear', 2), ('u-shaped', 3),
           ('w-shaped', 4), ('time-decay', 5)
)
SELECT m.model, k.channel, k.campaign, coalesce(e.attributed_deals, 0) AS attributed_deals,
       coalesce(e.revenue, 0) AS revenue, s.cost, coalesce(a.leads, 0) AS leads,
       coalesce(q.mqls, 0) AS mqls, coalesce(a.customers, 0) AS customers,
       s.cost / nullif(coalesce(a.leads, 0), 0) AS cost_per_lead,
       s.cost / nullif(coalesce(q.mqls, 0), 0) AS cost_per_mql,
       s.cost / nullif(coalesce(a.customers, 0), 0) AS cac,
       (coalesce(e.revenue, 0) - s.cost) / nullif(s.cost, 0) AS roi
FROM models m CROSS JOIN keys k
LEFT JOIN earned e ON e.model = m.model AND e.channel = k.channel
    AND e.campaign IS NOT DISTINCT FROM k.campaign
LEFT JOIN acquired a ON a.channel = k.channel AND a.campaign IS NOT DISTINCT FROM k.campaign
LEFT JOIN qualified q ON q.channel = k.channel AND q.campaign IS NOT DISTINCT FROM k.campaign
LEFT JOIN costs s ON s.channel = k.channel AND s.campaign IS NOT DISTINCT FROM k.campaign
ORDER BY m.model_rank, k.channel, k.campaign NULLS LAST
