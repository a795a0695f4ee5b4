"""How a result cell reads on a page: nodes by name, lists joined, maps as JSON."""

from screengraph.output import cell_text

__all__ = ["cell_text"]
