"""Views of one conformance result document (HTML, JUnit XML, terminal, comparison).

Every view takes the JSON document described by ``schemas/report.schema.json``.
Import the submodules you need; this package imports nothing heavy itself.
"""
