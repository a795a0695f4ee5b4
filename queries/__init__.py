"""Canned queries and the questions researchers ask: search, related content, collaborators, paths.

The registry (queries/registry.py) loads the `.cypher` library; the modules
here combine its results. Nothing in this package knows which backend runs.
"""
