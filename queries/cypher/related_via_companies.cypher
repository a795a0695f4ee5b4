// name: related_via_companies
// title: Shows made by the same companies
// description: Evidence for related content through shared companies, with each company's size. Companies that made more than $max_degree shows only re-rank candidates found otherwise (see shared_companies).
// params: key:str, max_degree:int=200
MATCH (s:Show {key: $key})-[:MADE_BY]->(c:Company)
WITH c, coalesce(c.show_count, 1) AS degree
WHERE degree <= $max_degree
MATCH (o)-[:MADE_BY]->(c)
WHERE o.key <> $key
RETURN o.key AS key, o.title AS title, o.year AS year, c.key AS via_key, c.name AS via_name, degree
