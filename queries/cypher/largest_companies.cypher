// name: largest_companies
// title: Largest companies
// description: Companies that made the most shows.
// params: limit:int=10 in 1..1000
MATCH (s:Show)-[:MADE_BY]->(c:Company)
WITH c, count(s) AS shows
RETURN c.key AS key, c.name AS name, shows
ORDER BY shows DESC, key
LIMIT $limit
