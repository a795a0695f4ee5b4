"""Commands timed as an installed screengraph runs them: with its bytecode compiled.

pip compiles a wheel's modules as it installs them, and an editable install writes each
module's bytecode on its first import, unless PYTHONDONTWRITEBYTECODE is set (as it is on
these machines): then every command compiles the package again, about 0.17 s of a warm
one-off command. The benchmarks that time whole commands compile it first.
"""

from __future__ import annotations

import compileall
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# compileall does not follow symlinked folders, and the package's subpackages are links
# to the repository's top-level folders: each is named.
PACKAGE_FOLDERS = ("screengraph", "graph", "loaders", "queries", "webapp")


def compile_package() -> None:
    for folder in PACKAGE_FOLDERS:
        compileall.compile_dir(REPO / folder, quiet=1, rx=re.compile(r"node_modules|frontend"))
