-- funnel --mode cohort over all history: every contact's highest funnel stage, then "at least".
WITH ws AS (SELECT id FROM workspaces WHERE name = 'default'),
ranks(stage, section, rank) AS (
    VALUES ('visitor', 'tofu', 0), ('lead', 'tofu', 1), ('mql', 'mofu', 2), ('sal', 'mofu', 3),
           ('sql', 'bofu', 4), ('opportunity', 'bofu', 5), ('customer', 'bofu', 6)
),
highest AS (
    SELECT max(r.rank) AS rank
    FROM lifecycle_transitions t
    JOIN contacts c ON c.id = t.contact_id AND c.merged_into_id IS NULL
    JOIN ranks r ON r.stage = t.to_stage
    WHERE t.workspace_id = (SELECT id FROM ws)
    GROUP BY t.contact_id
),
stopped AS (SELECT rank, count(*) AS contacts FROM highest GROUP BY rank),
reached AS (
    SELECT r.stage, r.section, r.rank,
           sum(coalesce(s.contacts, 0)) OVER (ORDER BY r.rank DESC) AS reached
    FROM ranks r LEFT JOIN stopped s USING (rank)
),
stage_rows AS (
    SELECT stage, section, rank, reached,
           reached / nullif(lag(reached) OVER (ORDER BY rank), 0) AS conversion
    FROM reached
),
section_rows AS (
    SELECT upper(section) AS stage, section, 100 + rank AS rank, reached,
           reached / nullif(lag(reached) OVER (ORDER BY rank), 0) AS conversion
    FROM reached WHERE rank IN (SELECT min(rank) FROM ranks GROUP BY section)
)
SELECT stage, section, reached, conversion
FROM (SELECT * FROM stage_rows UNION ALL SELECT * FROM section_rows)
WHERE (SELECT count(*) FROM highest) > 0
ORDER BY rank
