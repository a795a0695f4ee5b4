// name: related_via_series
// title: Other seasons of a show's series
// description: Shows of the same series (all seasons are found together).
// params: key:str
MATCH (s:Show {key: $key})
MATCH (o:Show {series_key: s.series_key})
WHERE o.key <> $key
RETURN o.key AS key, o.title AS title, o.year AS year, s.series AS series
