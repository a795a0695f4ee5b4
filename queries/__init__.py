"""Canned queries and the questions researchers ask: search, related content, collaborators, paths.

The catalogue (queries/catalogue.py) holds every question: the `.cypher` library
and the Python functions registered with @question; the modules here combine
them. Nothing in this package knows which backend runs.
"""
