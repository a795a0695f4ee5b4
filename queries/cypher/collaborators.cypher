// name: collaborators
// title: Who a person worked with
// description: Everyone who shares a show with the person, with the show and both people's roles.
// params: key:str
MATCH (p:Person {key: $key})-[r1]->(s:Show)<-[r2]-(o:Person)
WHERE o.key <> $key
RETURN o.key AS key, o.name AS name, coalesce(o.credit_count, 1) AS credit_count,
       s.key AS show_key, s.title AS show_title,
       type(r1) AS person_role, r1.role AS person_producer_role,
       type(r2) AS role, r2.role AS producer_role
