// name: top_people
// title: Most credited people
// description: People with the most credits (all roles), most first.
// params: limit:int=10 in 1..1000
// Read from the degree every load keeps (loaders/statements.py DEGREE), not counted here:
// counting 12.5 million credits ran past the 2 s limit.
MATCH (p:Person) WHERE p.credit_count > 0
RETURN p.key AS key, p.name AS name, p.credit_count AS credits
ORDER BY credits DESC, key
LIMIT $limit
