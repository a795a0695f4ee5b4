// name: related_reranking
// title: Large companies and genres a show shares with candidate shows
// description: Re-ranks related content: for each candidate show in $candidates, the companies of the show $key with at least $min_degree shows that also made the candidate ('company'), and the genres they share ('genre'), with their sizes. Anchored on the candidates, so it stays fast however large a company or genre is.
// listed: no
// params: key:str, candidates:list, min_degree:int=201
MATCH (s:Show {key: $key})-[:MADE_BY]->(c:Company)
WITH [x IN collect(c) WHERE coalesce(x.show_count, 1) >= $min_degree | x.key] AS mine
UNWIND $candidates AS ck
MATCH (o:Show {key: ck})-[:MADE_BY]->(c:Company)
WITH o, c, mine
WHERE c.key IN mine
RETURN 'company' AS kind, o.key AS key, c.key AS via_key, c.name AS via_name,
       coalesce(c.show_count, 1) AS degree
UNION ALL
MATCH (s:Show {key: $key})-[:IN_GENRE]->(g:Genre)
WITH collect(g.key) AS mine
UNWIND $candidates AS ck
MATCH (o:Show {key: ck})-[:IN_GENRE]->(g:Genre)
WITH o, g, mine
WHERE g.key IN mine
RETURN 'genre' AS kind, o.key AS key, g.key AS via_key, g.name AS via_name,
       coalesce(g.show_count, 1) AS degree
