// name: genre_distribution
// title: Shows per genre
// description: How many shows each genre has.
// params: limit:int=50 in 1..1000
// Read from the degree every load keeps (loaders/statements.py DEGREE), not counted here.
MATCH (g:Genre) WHERE g.show_count > 0
RETURN g.key AS key, g.name AS name, g.show_count AS shows
ORDER BY shows DESC, key
LIMIT $limit
