"""Conformance suite for asynchronous HTTP request APIs (202 Accepted + status monitor).

Installing the package registers the pytest plugin (entry point ``pytest11``);
``pytest --pyargs conformance`` runs the suite.
"""

__version__ = "0.1.0"
SUITE_NAME = "async-request-conformance"
