"""pygeoapi, a real OGC API - Processes implementation, driven end to end over HTTP.

The peer is started by ``fixtures.peers.pygeoapi_server`` (a real process on
127.0.0.1, ephemeral port). These tests only check that the peer works as a target
for the suite: the asynchronous flow (201 + Location, job reaches ``successful``,
results 200), a failing job, and the fixture's own start and stop. Where pygeoapi
deviates from OGC API - Processes 1.0 is the suite's business, not asserted here.
Waiting is bounded polling, never a fixed sleep.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from fixtures.peers.pygeoapi_server import PeerServer, available, serve_pygeoapi

UNAVAILABLE = available()
pytestmark = pytest.mark.skipif(UNAVAILABLE is not None, reason=UNAVAILABLE or "")

STATUSES = ("accepted", "running", "successful", "failed", "dismissed")
ORDER = {"accepted": 0, "running": 1, "successful": 2, "failed": 2, "dismissed": 2}
TERMINAL = ("successful", "failed", "dismissed")
POLL_INTERVAL = 0.05
POLL_SECONDS = 30.0
JSON = {"Accept": "application/json"}
ASYNC = {"Prefer": "respond-async", "Accept": "application/json"}


@pytest.fixture(scope="module")
def peer() -> Iterator[PeerServer]:
    with serve_pygeoapi(pause=1.0) as server:
        yield server


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0, follow_redirects=False, trust_env=False) as c:
        yield c


def poll_job(client: httpx.Client, url: str, *, seconds: float = POLL_SECONDS) -> list[dict]:
    """GET the job until it is terminal; every status info seen. Fails if it never ends."""
    seen: list[dict] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        r = client.get(url, headers=JSON)
        assert r.status_code == 200, f"GET {url}: {r.status_code} {r.text[:500]}"
        info = r.json()
        assert info.get("status") in STATUSES, info
        seen.append(info)
        if info["status"] in TERMINAL:
            return seen
        time.sleep(POLL_INTERVAL)
    pytest.fail(f"job at {url} did not end within {seconds} s; last status info: {seen[-1] if seen else None}")


def start_async(client: httpx.Client, peer: PeerServer, inputs: dict) -> tuple[httpx.Response, str]:
    r = client.post(peer.execution_url, json={"inputs": inputs}, headers=ASYNC)
    assert r.status_code == 201, f"{r.status_code} {r.headers} {r.text[:500]}\n{peer.log_text()[-2000:]}"
    assert "location" in r.headers, r.headers
    job_url = urljoin(peer.execution_url, r.headers["location"])
    return r, job_url


def test_peer_listens_on_loopback_with_an_ephemeral_port(peer: PeerServer) -> None:
    parts = urlsplit(peer.base_url)
    assert parts.scheme == "http" and parts.hostname == "127.0.0.1"
    assert parts.port and parts.port > 0
    assert peer.execution_url == f"{peer.base_url}/processes/slow-echo/execution"
    assert peer.pygeoapi_version.startswith("0.")


def test_process_offers_async_execution(peer: PeerServer, client: httpx.Client) -> None:
    r = client.get(f"{peer.base_url}/processes/{peer.process_id}", headers=JSON)
    assert r.status_code == 200
    assert "async-execute" in r.json()["jobControlOptions"]


def test_async_job_runs_to_success_and_its_results_are_served(peer: PeerServer, client: httpx.Client) -> None:
    created, job_url = start_async(client, peer, {"pause": 1, "message": "hello"})
    assert created.headers.get("preference-applied") == "respond-async"
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    assert job_url == peer.job_url(job_id)

    trajectory = poll_job(client, job_url)
    statuses = [info["status"] for info in trajectory]
    assert statuses[0] in ("accepted", "running"), statuses  # a 1 s job is seen before it ends
    assert statuses[-1] == "successful", trajectory[-1]
    ranks = [ORDER[s] for s in statuses]
    assert ranks == sorted(ranks), f"status went backwards: {statuses}"
    assert all(info["jobID"] == job_id for info in trajectory)
    progresses = [info["progress"] for info in trajectory if info.get("progress") is not None]
    assert all(isinstance(p, int) and 0 <= p <= 100 for p in progresses), progresses
    assert progresses == sorted(progresses), progresses

    results_url = f"{job_url}/results"
    first = client.get(results_url, headers=JSON)
    assert first.status_code == 200, first.text[:500]
    assert first.headers["content-type"].startswith("application/json")
    assert first.json() == {"echo": {"pause": 1, "message": "hello"}}
    again = client.get(results_url, headers=JSON)
    assert again.status_code == 200 and again.json() == first.json()


def test_results_are_not_served_before_the_job_succeeds(peer: PeerServer, client: httpx.Client) -> None:
    _, job_url = start_async(client, peer, {"pause": 3})
    early = client.get(f"{job_url}/results", headers=JSON)
    status = client.get(job_url, headers=JSON).json()["status"]
    assert status in ("accepted", "running"), status  # still going: the results request came before its end
    assert early.status_code == 404, early.text[:500]
    assert poll_job(client, job_url)[-1]["status"] == "successful"


def test_failing_job_ends_failed_without_results(peer: PeerServer, client: httpx.Client) -> None:
    _, job_url = start_async(client, peer, {"pause": 0.2, "fail": True})
    final = poll_job(client, job_url)[-1]
    assert final["status"] == "failed", final
    results = client.get(f"{job_url}/results", headers=JSON)
    assert 400 <= results.status_code < 600, results.status_code


def test_fixture_stops_the_server() -> None:
    with serve_pygeoapi(pause=0.1) as server:
        child = server.process
        assert httpx.get(f"{server.base_url}/processes", headers=JSON, trust_env=False).status_code == 200
    assert child.poll() is not None
    assert not server.workdir.exists()  # every file pygeoapi wrote was in the temporary folder
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{server.base_url}/processes", headers=JSON, timeout=2.0, trust_env=False)
