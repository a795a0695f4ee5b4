// name: related_via_companies
// title: Shows made by the same companies
// description: Evidence for related content through shared companies, with each company's size.
// params: key:str, limit:int=500
MATCH (s:Show {key: $key})-[:MADE_BY]->(c:Company)<-[:MADE_BY]-(o:Show)
WHERE o.key <> $key
WITH o, c ORDER BY o.key LIMIT $limit
RETURN o.key AS key, o.title AS title, o.year AS year, c.key AS via_key, c.name AS via_name,
       size([(x:Show)-[:MADE_BY]->(c) | x]) AS degree
