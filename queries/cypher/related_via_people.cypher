// name: related_via_people
// title: Shows sharing people with a show
// description: Evidence for related content: each other show, a person credited on both, their role on it, and how prolific the person is.
// params: key:str
MATCH (s:Show {key: $key})<-[r1]-(p:Person)-[r2]->(o:Show)
WHERE o.key <> $key
WITH DISTINCT o, p, type(r2) AS role, r2.role AS producer_role
RETURN o.key AS key, o.title AS title, o.year AS year, p.key AS via_key, p.name AS via_name,
       role, producer_role, size([(p)-->(x:Show) | x]) AS degree
