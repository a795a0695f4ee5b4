// name: shared_genres
// title: Genres a show shares with candidate shows
// description: Used to re-rank related content: genres alone are too broad to suggest shows.
// params: key:str, candidates:list
MATCH (s:Show {key: $key})-[:IN_GENRE]->(g:Genre)
WITH g, coalesce(g.show_count, 1) AS degree
UNWIND $candidates AS ck
MATCH (o:Show {key: ck})-[:IN_GENRE]->(g)
RETURN o.key AS key, g.key AS via_key, g.name AS via_name, degree
