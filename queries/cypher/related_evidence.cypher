// name: related_evidence
// title: Evidence for a show's related content
// description: In one round trip and five records (one per kind, its rows packed as lists of [key, title, year, via_key, via_name, role, producer_role, degree]: Neo4j sends each record in its own network message, which cost more than the query itself), every row that can relate another show to the show $key, by kind: 'person' (someone credited on both: their role on the other show and how many shows they are credited on; packed by person as [key, name, degree, [[show key, role, producer_role], ...]], without the shows' titles, since a busy series' people are a thousand or more rows; an episode's people are its series' credits that its listings assert: their Assertions on the series hold the episode's EPISODE_OF edge), 'company' (a company that made both, with its size), 'series' (another season of the same series, when one of the two is a season: two shows that only share a title, such as remakes or two episodes called Pilot, are not seasons of one series), 'episode' (for an episode: its series, role 'series', and the other episodes of its season, role 'episode'), and 'own' (the show's own companies and genres with their sizes, to bound what re-ranking can add). People and companies with more than $max_degree shows are skipped here: they connect too much to suggest anything (and would make the query slow); related_reranking weighs the large companies and the genres of the best candidates.
// listed: no
// params: key:str, max_degree:int=200
MATCH (s:Show {key: $key})
OPTIONAL MATCH (s)-[:EPISODE_OF]->(series:Show)
WITH s, collect(series) AS serieses
UNWIND [x IN serieses | x.key] + [''] AS series_key
OPTIONAL MATCH (b:Assertion {show: series_key})
WHERE ('EPISODE_OF|' + s.key + '|' + series_key + '|') IN b.edges
WITH s, serieses, collect(b.edges) AS lists
WITH s, serieses, reduce(found = [], edges IN lists | found + edges) AS asserted
UNWIND [s] + serieses AS holder
MATCH (holder)<-[credit]-(p:Person)
WHERE holder = s OR (type(credit) + '|' + p.key + '|' + holder.key + '|' + coalesce(credit.role, '')) IN asserted
WITH DISTINCT p
WITH p, coalesce(p.credit_count, 1) AS degree
WHERE degree <= $max_degree
MATCH (p)-[r]->(o)
WHERE o.key <> $key
// Grouped by person: each person's key, name and degree once, not once per show (a
// series' evidence is one or two thousand shows at 10^7 credits), and no titles: those
// of the few candidates that can reach the top are read with the re-ranking.
WITH p, degree, collect([o.key, type(r), r.role]) AS shows
RETURN 'person' AS kind, collect([p.key, p.name, degree, shows]) AS rows
UNION ALL
MATCH (s:Show {key: $key})-[:MADE_BY]->(c:Company)
WITH c, coalesce(c.show_count, 1) AS degree
WHERE degree <= $max_degree
MATCH (o)-[:MADE_BY]->(c)
WHERE o.key <> $key
RETURN 'company' AS kind,
       collect([o.key, o.title, o.year, c.key, c.name, null, null, degree]) AS rows
UNION ALL
MATCH (s:Show {key: $key})
WHERE s.season IS NOT NULL AND s.series_key IS NOT NULL
WITH s.series_key AS series_key
MATCH (o:Show {series_key: series_key})
WHERE o.key <> $key
RETURN 'series' AS kind,
       collect([o.key, o.title, o.year, series_key, o.series, null, null, 1]) AS rows
UNION ALL
// A show that is not a season: the seasons of its title only, found by their title key
// ('<series key>-season-<n>', made with the series key and season from one title),
// a range of its index. By the series key they were every show of the same title, read
// to keep none: 53,147 episodes called 'Episode 1.1' at 10^7 credits, 20 ms a show.
MATCH (s:Show {key: $key})
WHERE s.season IS NULL AND s.series_key IS NOT NULL
WITH s.series_key AS series_key
MATCH (o:Show)
WHERE o.title_key >= series_key + '-season-' AND o.title_key < series_key + '-season.'
  AND o.series_key = series_key AND o.season IS NOT NULL AND o.key <> $key
RETURN 'series' AS kind,
       collect([o.key, o.title, o.year, series_key, o.series, null, null, 1]) AS rows
UNION ALL
MATCH (s:Show {key: $key})-[e:EPISODE_OF]->(series:Show)
OPTIONAL MATCH (series)<-[f:EPISODE_OF]-(o:Show)
WHERE o.key <> $key AND f.season = e.season
WITH series, e,
     collect(CASE WHEN o IS NULL THEN NULL
             ELSE [o.key, o.title, o.year, series.key, series.title, 'episode', f.season, 1]
             END) AS others
RETURN 'episode' AS kind,
       [[series.key, series.title, series.year, series.key, series.title, 'series', e.season, 1]]
       + others AS rows
UNION ALL
MATCH (s:Show {key: $key})-[r:MADE_BY|IN_GENRE]->(x)
RETURN 'own' AS kind,
       collect([null, null, null, x.key, x.name, type(r), null, coalesce(x.show_count, 1)]) AS rows
