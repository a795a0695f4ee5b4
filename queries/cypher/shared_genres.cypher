// name: shared_genres
// title: Genres of candidate shows
// description: The genres of each candidate show, for re-ranking related content: genres alone are too broad to suggest shows, and anchoring on the candidates keeps this fast however large a genre is.
// params: candidates:list
UNWIND $candidates AS ck
MATCH (o:Show {key: ck})-[:IN_GENRE]->(g:Genre)
RETURN o.key AS key, g.key AS via_key, g.name AS via_name, coalesce(g.show_count, 1) AS degree
