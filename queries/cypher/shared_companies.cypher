// name: shared_companies
// title: Large companies a show shares with candidate shows
// description: Re-ranks related content through companies too large to suggest shows themselves.
// params: key:str, candidates:list, min_degree:int=201
MATCH (s:Show {key: $key})-[:MADE_BY]->(c:Company)
WITH c, coalesce(c.show_count, 1) AS degree
WHERE degree >= $min_degree
UNWIND $candidates AS ck
MATCH (o:Show {key: ck})-[:MADE_BY]->(c)
RETURN o.key AS key, c.key AS via_key, c.name AS via_name, degree
