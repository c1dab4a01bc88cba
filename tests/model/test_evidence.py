"""conformance.evidence: what a report may show of an exchange (credentials masked, bodies cut)."""

import json
import shlex

from conformance.evidence import MASK, REPORT_BODY_LIMIT, Exchange, curl_command, exchange_to_dict

SECRETS = ("Bearer s3cr3t-token", "session=c00k1e", "k3y-123", "proxy-pass", "tenant-secret", "set-c00kie")


def exchange(**kw) -> Exchange:
    values = dict(
        seq=3, method="POST", url="http://127.0.0.1:9/resource",
        request_headers=[
            ("Host", "127.0.0.1:9"), ("Content-Type", "application/json"), ("Authorization", SECRETS[0]),
            ("cookie", SECRETS[1]), ("X-API-Key", SECRETS[2]), ("Proxy-Authorization", SECRETS[3]),
            ("X-Tenant", SECRETS[4]), ("Accept-Encoding", "gzip"), ("User-Agent", "conformance"),
        ],
        request_body=b'{"input": "it\'s $HOME"}', purpose="start a process", started=1.23456, ended=1.5,
        status=202, response_headers=[("Content-Type", "application/json"), ("Set-Cookie", SECRETS[5])],
        response_body=b'{"monitor": "/process"}',
    )
    values.update(kw)
    return Exchange(**values)


def test_credentials_masked_in_the_report():
    data = exchange_to_dict(exchange(), frozenset({"x-tenant"}))
    text = json.dumps(data)
    for secret in SECRETS:
        assert secret not in text
    request = dict(data["request"]["headers"])
    assert request["Authorization"] == request["cookie"] == request["X-API-Key"] == MASK
    assert request["X-Tenant"] == request["Proxy-Authorization"] == MASK
    assert request["Content-Type"] == "application/json"
    assert dict(data["response"]["headers"])["Set-Cookie"] == MASK


def test_user_headers_are_shown_unless_declared_secret():
    data = exchange_to_dict(exchange())
    assert dict(data["request"]["headers"])["X-Tenant"] == SECRETS[4]


def test_report_fields():
    data = exchange_to_dict(exchange())
    assert data["seq"] == 3 and data["method"] == "POST" and data["started"] == 1.2346
    assert data["request"]["body"] == '{"input": "it\'s $HOME"}'
    assert data["response"] == {
        "status": 202, "headers": [["Content-Type", "application/json"], ["Set-Cookie", MASK]],
        "body": '{"monitor": "/process"}', "truncated": False,
    }


def test_body_cut():
    big = b"x" * (REPORT_BODY_LIMIT + 100)
    data = exchange_to_dict(exchange(response_body=big, request_body=b"y" * REPORT_BODY_LIMIT))
    body = data["response"]["body"]
    assert body.startswith("x" * REPORT_BODY_LIMIT)
    assert "x" * (REPORT_BODY_LIMIT + 1) not in body
    assert body.endswith("[... 100 more bytes not shown]")
    assert data["request"]["body"] == "y" * REPORT_BODY_LIMIT  # exactly at the limit: not cut


def test_binary_bodies_do_not_break_the_report():
    data = exchange_to_dict(exchange(response_body=b"\xff\xfe\x00ok"))
    assert data["response"]["body"].endswith("ok")
    json.dumps(data)


def test_no_response():
    data = exchange_to_dict(exchange(status=None, response_headers=[], response_body=b"", error="connection refused",
                                     request_body=None))
    assert data["response"] is None
    assert data["error"] == "connection refused"
    assert data["request"]["body"] is None


def test_curl_masks_and_replays():
    command = curl_command(exchange(), frozenset({"x-tenant"}))
    for secret in SECRETS:
        assert secret not in command
    argv = shlex.split(command)
    assert argv[:2] == ["curl", "-i"]
    assert argv[argv.index("-X") + 1] == "POST"
    headers = [argv[i + 1] for i, a in enumerate(argv) if a == "-H"]
    assert headers == [
        "Content-Type: application/json", f"Authorization: {MASK}", f"cookie: {MASK}", f"X-API-Key: {MASK}",
        f"Proxy-Authorization: {MASK}", f"X-Tenant: {MASK}",
    ]  # Host, Accept-Encoding and User-Agent are curl's own business
    assert argv[argv.index("--data-binary") + 1] == '{"input": "it\'s $HOME"}'
    assert argv[-1] == "http://127.0.0.1:9/resource"


def test_curl_get_and_head():
    get = shlex.split(curl_command(exchange(method="GET", request_body=None, request_headers=[])))
    assert "-X" not in get and "--head" not in get and "--data-binary" not in get
    head = shlex.split(curl_command(exchange(method="HEAD", request_body=None, request_headers=[])))
    assert "--head" in head and "-X" not in head


def test_exchange_helpers():
    ex = exchange(response_headers=[("content-type", "Application/JSON; charset=utf-8"), ("Link", "a"),
                                    ("link", "b")])
    assert ex.header("Content-Type") == "Application/JSON; charset=utf-8"
    assert ex.media_type == "application/json"
    assert ex.header_values("LINK") == ["a", "b"]
    assert ex.header("ETag") is None
    assert ex.ok and ex.summary() == "#3 POST http://127.0.0.1:9/resource -> 202"
    failed = exchange(status=None, error="timed out")
    assert not failed.ok and failed.summary().endswith("-> timed out")
