// name: genre
// title: A genre and its shows
// description: Shows in the genre (the first $limit by title) and how many there are.
// params: key:Genre, limit:int=200 in 1..1000
MATCH (g:Genre {key: $key})
OPTIONAL MATCH (s:Show)-[:IN_GENRE]->(g)
WITH g, s ORDER BY s.title, s.key
WITH g, collect({key: s.key, title: s.title, year: s.year}) AS shows
RETURN g AS genre, shows[0..$limit] AS shows, size(shows) AS total
