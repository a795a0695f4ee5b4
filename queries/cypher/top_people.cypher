// name: top_people
// title: Most credited people
// description: People with the most credits (all roles), most first.
// params: limit:int=10 in 1..1000
MATCH (p:Person)-[r]->(:Show)
WITH p, count(r) AS credits
RETURN p.key AS key, p.name AS name, credits
ORDER BY credits DESC, key
LIMIT $limit
