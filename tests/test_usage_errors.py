"""User mistakes get a one-line message, the right exit status and no traceback."""

import socket
import subprocess
import sys
import threading

import pytest

from fixtures.behaviour import TEST_BASE
from fixtures.launch import serve, user_env


def suite(*args: str, cwd, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """The suite as a user runs it (every plugin loads), with ``env`` (default: this process's environment)."""
    cmd = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120, env=user_env(env))


def assert_one_line(done: subprocess.CompletedProcess, status: int, *words: str) -> None:
    text = done.stdout + done.stderr
    assert done.returncode == status, text
    assert "Traceback" not in text and "INTERNALERROR" not in text, text
    lines = [line for line in text.splitlines() if all(w in line for w in words)]
    assert lines, f"no single line mentions {words}:\n{text}"


@pytest.mark.parametrize("args, words", [
    (["--pattern", "both"], ["--pattern", "single or multi"]),
    (["--deadline", "soon"], ["--deadline", "number"]),
    (["--deadline", "-3"], ["--deadline", "positive"]),
    (["--header", "Authorization Bearer x"], ["--header", "Name: value"]),
    (["--target-url", "127.0.0.1:8000/resource"], ["--target-url", "http(s) URL"]),
    (["--requirements", "nothing/*"], ["--requirements", "matches no requirement"]),
    (["--request-body", "{not json"], ["request body is not valid JSON"]),
    (["--request-body-file", "/nonexistent/body.json"], ["--request-body-file", "cannot read"]),
    (["--profile", "cobol"], ["--profile", "unknown profile", "seed, azure, google, ogc"]),
    (["--profile", "ogc", "--pattern", "single"], ["--pattern", "offers only the multi pattern"]),
    (["--profile", "seed", "--profile-file", "x.toml"], ["--profile and --profile-file"]),
    (["--profile-file", "/nonexistent/api.toml"], ["--profile-file", "cannot read"]),
    (["--expect", "teleport"], ["--expect", "unknown capability 'teleport'", "delete, idempotency-key"]),
    (["--target-openapi", "/nonexistent/openapi.json"], ["--target-openapi", "cannot read"]),
    (["--request-form", "novalue"], ["--request-form", "'name=value'"]),
])
def test_bad_option_values_are_usage_errors(args, words, tmp_path):
    assert_one_line(suite(*args, cwd=tmp_path), 4, *words)


def test_request_body_file_that_is_not_json(tmp_path):
    body = tmp_path / "body.json"
    body.write_text("<xml/>")
    assert_one_line(suite("--request-body-file", str(body), cwd=tmp_path), 4, "not valid JSON")


def test_unreachable_target(tmp_path):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    done = suite("--target-url", f"http://127.0.0.1:{port}/resource", cwd=tmp_path)
    assert_one_line(done, 1, "never answered over HTTP", "Is a server running")


def test_url_that_answers_404_to_the_post(tmp_path):
    with serve(TEST_BASE) as server:
        done = suite("--target-url", server.base_url + "/no-such-resource", cwd=tmp_path)
    assert_one_line(done, 1, "answered 404", "--target-url must be the URL of the resource")


def test_port_that_does_not_speak_http(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    stop = threading.Event()

    def garbage() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01\x02 not http at all\r\n")

    thread = threading.Thread(target=garbage, daemon=True)
    thread.start()
    try:
        done = suite("--target-url", f"http://127.0.0.1:{listener.getsockname()[1]}/resource",
                     "--request-timeout", "2", cwd=tmp_path)
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert_one_line(done, 1, "never answered over HTTP")


def test_options_come_from_environment_and_ini_file(tmp_path):
    """Every option can be set three ways; a bad value from any of them is caught the same way."""
    import os

    env = dict(os.environ, CONFORMANCE_PATTERN="both")
    done = suite(cwd=tmp_path, env=env)
    assert_one_line(done, 4, "--pattern", "'both'")
    (tmp_path / "pytest.ini").write_text("[pytest]\nconformance_deadline = soon\n")
    assert_one_line(suite(cwd=tmp_path), 4, "--deadline", "'soon'")
    # the command line wins over the ini file
    done = suite("--deadline", "5", "--list-requirements", cwd=tmp_path)
    assert done.returncode == 0 and "accept/status-202" in done.stdout


@pytest.mark.parametrize("text, words", [
    ('name = "x"\n[accept]\nstatuses = [202]\nmonitor = { member = "m" }\n', ["--profile-file", "'monitor' is a required"]),
    ('name = "x"\nstatus = 3\n', ["--profile-file", "'status' was unexpected"]),
    ('name = "x"\n[accept\n', ["--profile-file", "not valid TOML"]),
    ('name = "x"\n[accept]\nstatuses = [202]\nmonitor = { member = "m", template = "{nope}/{value}" }\n'
     '[monitor]\nschema = "monitor.schema.json"\nstate = "s"\nstates = { a = "ready" }\n',
     ["--profile-file", "accept.monitor.template", "unknown template variable"]),
    ('name = "x"\n[accept]\nstatuses = [202]\nmonitor = { member = "m" }\n'
     '[monitor]\nschema = "monitor.schema.json"\nstate = "s"\nstates = { a = "done" }\n',
     ["--profile-file", "monitor/states/a", "is not one of"]),
])
def test_bad_profile_files_name_the_bad_key(text, words, tmp_path):
    path = tmp_path / "api.toml"
    path.write_text(text)
    assert_one_line(suite("--profile-file", str(path), cwd=tmp_path), 4, *words)


def test_list_profiles(tmp_path):
    done = suite("--list-profiles", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in ("seed", "ogc", "azure", "google"):
        assert any(line.startswith(name) for line in done.stdout.splitlines()), done.stdout


def test_profile_from_the_environment(tmp_path):
    done = suite(cwd=tmp_path,
                 env={**__import__("os").environ, "CONFORMANCE_PROFILE_FILE": str(tmp_path / "missing.toml")})
    assert_one_line(done, 4, "--profile-file", "cannot read")
