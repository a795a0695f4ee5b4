"""screengraph: an open knowledge graph of TV and film listings."""

__version__ = "0.1.0"
