// name: second_degree
// title: Collaborators of collaborators
// description: People two shows away from the person, with the collaborator in between; used for suggestions.
// params: key:str, limit:int=20000
MATCH (p:Person {key: $key})-->(:Show)<--(c:Person)
WHERE c.key <> $key
WITH DISTINCT c
MATCH (c)-->(:Show)<--(s:Person)
WHERE s.key <> $key AND s.key <> c.key
WITH DISTINCT c, s LIMIT $limit
RETURN s.key AS key, s.name AS name, c.key AS via_key, c.name AS via_name,
       coalesce(c.credit_count, 1) AS degree
