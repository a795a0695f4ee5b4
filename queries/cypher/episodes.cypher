// name: episodes
// title: The episodes of a series
// description: The first $limit episodes of the series $key (the shows with an EPISODE_OF edge to it), by season then episode number (unnumbered ones last, by title), and how many there are.
// listed: no
// params: key:str, limit:int=1000
MATCH (series:Show {key: $key})
OPTIONAL MATCH (e:Show)-[r:EPISODE_OF]->(series)
WITH series, e, r
ORDER BY coalesce(r.season, 2147483647), coalesce(r.episode, 2147483647), coalesce(e.title, ''), e.key
WITH series,
     collect(CASE WHEN e IS NULL THEN NULL
             ELSE {key: e.key, title: e.title, year: e.year, season: r.season,
                   episode: r.episode} END) AS episodes
RETURN episodes[0..$limit] AS episodes, size(episodes) AS total
