"""Request bodies as real clients send them: JSON, raw with a content type, multipart forms (masked)."""

import json

import pytest

from conformance.evidence import Exchange, curl_command, exchange_to_dict
from conformance.request_body import BodyError, build, multipart, variant
from fixtures.server import form_fields


def test_json_by_default():
    body = build(None, None, None, [], [])
    assert body.content == b"{}" and body.content_type == "application/json" and body.secrets == ()


def test_raw_body_with_its_own_type(tmp_path):
    path = tmp_path / "job.xml"
    path.write_bytes(b"<job/>")
    body = build(None, str(path), "application/xml", [], [])
    assert body.content == b"<job/>" and body.content_type == "application/xml"


def test_multipart_form_round_trip(tmp_path):
    upload = tmp_path / "data.csv"
    upload.write_bytes(b"a,b\n1,2\n")
    body = build(None, None, None, ["input=hello", "token=s3cret"], [f"file=@{upload}"])
    assert body.content_type.startswith("multipart/form-data; boundary=")
    assert form_fields(body.content_type, body.content) == {"input": "hello", "token": "s3cret", "file": "a,b\n1,2\n"}
    assert body.secrets == ("hello", "s3cret")


def test_the_other_payload_differs_in_every_kind():
    form = multipart(["input=x"], [])
    fields = form_fields(form.content_type, variant(form.content, form.content_type))
    assert fields["input"] == "x" and fields["conformance_variant"].startswith("conformance-")
    assert json.loads(variant(b'{"a": 1}', "application/json"))["a"] == 1
    assert variant(b"<job/>", "application/xml") != b"<job/>"


@pytest.mark.parametrize("args, words", [
    (("{not json", None, None, [], []), "not valid JSON"),
    (("{}", None, None, ["a=b"], []), "give one kind"),
    ((None, None, "text/plain", ["a=b"], []), "multipart/form-data"),
    ((None, None, None, ["novalue"], []), "'name=value'"),
    ((None, None, None, [], ["file=nopath"]), "'field=@path'"),
    ((None, None, None, [], ["file=@/nonexistent/x"]), "cannot read"),
])
def test_mistakes_are_one_line(args, words):
    with pytest.raises(BodyError) as err:
        build(*args)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_form_values_are_masked_in_reports():
    body = multipart(["input=hello", "token=s3cret"], [])
    ex = Exchange(1, "POST", "http://127.0.0.1:9/resource", [("Content-Type", body.content_type)], body.content,
                  "start", 0.0, 0.1, 202)
    shown = json.dumps(exchange_to_dict(ex, frozenset(), body.secrets)) + curl_command(ex, frozenset(), body.secrets)
    assert "s3cret" not in shown and "hello" not in shown and "***" in shown
