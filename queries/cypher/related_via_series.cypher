// name: related_via_series
// title: Other seasons of a show's series
// description: Shows of the same series (all seasons are found together).
// params: key:str, series_key:str
MATCH (o:Show {series_key: $series_key})
WHERE o.key <> $key
RETURN o.key AS key, o.title AS title, o.year AS year, o.series AS series
