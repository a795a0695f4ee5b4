// name: related_evidence
// title: Evidence for a show's related content
// description: In one round trip, every row that can relate another show to the show $key, by kind: 'person' (someone credited on both: their role on the other show and how many shows they are credited on), 'company' (a company that made both, with its size), 'series' (another season of the same series), and 'own' (the show's own companies and genres with their sizes, to bound what re-ranking can add). People and companies with more than $max_degree shows are skipped here: they connect too much to suggest anything (and would make the query slow); related_reranking weighs the large companies and the genres of the best candidates.
// params: key:str, max_degree:int=200
MATCH (s:Show {key: $key})<--(p:Person)
WITH DISTINCT p
WITH p, coalesce(p.credit_count, 1) AS degree
WHERE degree <= $max_degree
MATCH (p)-[r]->(o)
WHERE o.key <> $key
WITH DISTINCT o, p, degree, type(r) AS role, r.role AS producer_role
RETURN 'person' AS kind, o.key AS key, o.title AS title, o.year AS year,
       p.key AS via_key, p.name AS via_name, role, producer_role, degree
UNION ALL
MATCH (s:Show {key: $key})-[:MADE_BY]->(c:Company)
WITH c, coalesce(c.show_count, 1) AS degree
WHERE degree <= $max_degree
MATCH (o)-[:MADE_BY]->(c)
WHERE o.key <> $key
RETURN 'company' AS kind, o.key AS key, o.title AS title, o.year AS year,
       c.key AS via_key, c.name AS via_name, null AS role, null AS producer_role, degree
UNION ALL
MATCH (s:Show {key: $key})
WITH s.series_key AS series_key
WHERE series_key IS NOT NULL
MATCH (o:Show {series_key: series_key})
WHERE o.key <> $key
RETURN 'series' AS kind, o.key AS key, o.title AS title, o.year AS year,
       series_key AS via_key, o.series AS via_name, null AS role, null AS producer_role, 1 AS degree
UNION ALL
MATCH (s:Show {key: $key})-[r:MADE_BY|IN_GENRE]->(x)
RETURN 'own' AS kind, null AS key, null AS title, null AS year,
       x.key AS via_key, x.name AS via_name, type(r) AS role, null AS producer_role,
       coalesce(x.show_count, 1) AS degree
