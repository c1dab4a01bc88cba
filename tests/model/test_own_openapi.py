"""http/own-openapi: responses judged against the target's own OpenAPI document."""

import json

import pytest

from conformance.observations import Kind
from conformance.outcomes import Outcome
from conformance.own_openapi import OpenAPIError, OwnDocument, load

from .build import RESOURCE, LogBuilder, check_example, collector

CASES = []
example = collector(CASES)

DOC = {
    "openapi": "3.1.0", "info": {"title": "jobs", "version": "1"},
    "paths": {
        "/resource": {"post": {
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["input"], "properties": {"input": {"type": "string", "minLength": 2}}}}}},
            "responses": {"202": {"description": "accepted", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Accepted"}}}}}}},
        "/process": {"get": {"responses": {"200": {"description": "status", "content": {"application/json": {
            "schema": {"type": "object", "required": ["state"],
                       "properties": {"state": {"enum": ["ready", "running", "terminated"]},
                                      "progress": {"type": "integer"}}}}}}}}},
    },
    "components": {"schemas": {"Accepted": {"type": "object", "required": ["monitor"],
                                            "properties": {"monitor": {"type": "string"}}}}},
}


def with_doc(b: LogBuilder) -> LogBuilder:
    b.log.own_openapi = OwnDocument("doc.json", DOC)
    return b


@example("http/own-openapi", Outcome.PASS)
def responses_as_documented():
    b = with_doc(LogBuilder())
    p = b.accept()
    b.poll(p, "running", 1)
    b.malformed(status=400)  # an error status the document leaves out is no contradiction
    return b.log


@example("http/own-openapi", Outcome.FAIL)
def progress_not_as_documented():
    b = with_doc(LogBuilder())
    p = b.accept()
    b.poll(p, "running", 0.5)  # the document says progress is an integer
    return b.log


@example("http/own-openapi", Outcome.FAIL)
def success_status_not_documented():
    b = with_doc(LogBuilder())
    b.accept(status=200)
    return b.log


@example("http/own-openapi", Outcome.NOT_APPLICABLE)
def no_document():
    b = LogBuilder()
    b.accept()
    return b.log


@example("http/own-openapi", Outcome.INCONCLUSIVE)
def nothing_the_document_describes():
    b = with_doc(LogBuilder())
    b.exchange(Kind.PRODUCT, "GET", "/elsewhere", body=b"x")
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)


def test_the_smallest_valid_body_is_drawn_from_the_document():
    body = json.loads(OwnDocument("doc.json", DOC).valid_body(RESOURCE))
    assert isinstance(body["input"], str) and len(body["input"]) >= 2


def test_bad_documents_are_refused_in_one_line(tmp_path):
    (tmp_path / "a.json").write_text('{"swagger": "2.0"}')
    (tmp_path / "b.yaml").write_text("openapi: 3.1.0\ninfo: {}\n")
    for name, words in (("a.json", "not an OpenAPI 3 document"), ("b.yaml", "not a valid OpenAPI document"),
                        ("missing.json", "cannot read")):
        with pytest.raises(OpenAPIError) as err:
            load(str(tmp_path / name))
        assert words in str(err.value) and "\n" not in str(err.value)
