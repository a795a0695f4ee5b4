"""screengraph's version, in one place: the package's metadata (pyproject.toml reads it
from here), the CLI's --version and the web app's /openapi.json."""

VERSION = "0.1.0"
