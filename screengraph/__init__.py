"""screengraph: an open knowledge graph of TV and film listings."""

from screengraph.graph.version import VERSION as __version__

__all__ = ["__version__"]
