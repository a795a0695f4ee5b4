// name: genre_distribution
// title: Shows per genre
// description: How many shows each genre has.
// params: limit:int=50 in 1..1000
MATCH (s:Show)-[:IN_GENRE]->(g:Genre)
WITH g, count(s) AS shows
RETURN g.key AS key, g.name AS name, shows
ORDER BY shows DESC, key
LIMIT $limit
