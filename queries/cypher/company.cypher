// name: company
// title: A company and the shows it made
// description: Shows the company made (the first $limit by title) and how many there are.
// params: key:Company, limit:int=200 in 1..1000
MATCH (c:Company {key: $key})
OPTIONAL MATCH (s:Show)-[:MADE_BY]->(c)
WITH c, s ORDER BY s.title, s.key
WITH c, collect({key: s.key, title: s.title, year: s.year}) AS shows
RETURN c AS company, shows[0..$limit] AS shows, size(shows) AS total
