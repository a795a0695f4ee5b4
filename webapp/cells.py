"""How a result cell reads on a page: nodes by name, lists joined, maps as JSON.

The web's CSV is written in the browser (webapp/frontend/src/cells.js, `csvCell`),
the CLI's by screengraph/output.py (`csv_cell`): both neutralise formula cells.
"""

from screengraph.output import cell_text

__all__ = ["cell_text"]
