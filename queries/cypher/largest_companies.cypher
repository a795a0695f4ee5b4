// name: largest_companies
// title: Largest companies
// description: Companies that made the most shows.
// params: limit:int=10 in 1..1000
// Read from the degree every load keeps (loaders/statements.py DEGREE), not counted here.
MATCH (c:Company) WHERE c.show_count > 0
RETURN c.key AS key, c.name AS name, c.show_count AS shows
ORDER BY shows DESC, key
LIMIT $limit
