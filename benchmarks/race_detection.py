"""How reliably the burst probe catches a check-then-set race of a few milliseconds.

Starts the race mutants of the reference server (fixtures/behaviour.py: a 3 ms sleep between
"is anything in flight?" and "start it", or between reading and replacing the next monitor
token) and fires N bursts of simultaneous POSTs with the suite's own driver, counting the bursts
that expose the race (more than one 202 in the single pattern; a shared monitor in multi).

    python benchmarks/race_detection.py --bursts 50 --size 8
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from conformance.driver import Driver, DriverConfig
from fixtures.behaviour import MUTANTS, TEST_BASE
from fixtures.launch import serve


async def bursts(url: str, pattern: str, count: int, size: int, gap: float) -> list[bool]:
    driver = Driver(DriverConfig(url))
    caught = []
    try:
        for _ in range(count):
            exchanges = await driver.burst("POST", url, size, body=b"{}", purpose="race probe")
            accepted = [ex for ex in exchanges if ex.status == 202]
            if pattern == "single":
                caught.append(len(accepted) > 1)
            else:
                monitors = [json.loads(ex.response_body)["monitor"] for ex in accepted]
                caught.append(len(set(monitors)) < len(monitors))
            await asyncio.sleep(gap)  # let the single pattern's process end before the next burst
    finally:
        await driver.aclose()
    return caught


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=50)
    parser.add_argument("--size", type=int, default=8)
    args = parser.parse_args()
    for name in ("single/race-one-winner", "multi/distinct-monitors"):
        variant = MUTANTS[name]
        behaviour = variant.behaviour(TEST_BASE)
        with serve(behaviour) as server:
            gap = behaviour.duration + 0.05 if variant.pattern == "single" else 0.0
            caught = asyncio.run(bursts(server.resource_url, variant.pattern, args.bursts, args.size, gap))
        print(f"{name}: {sum(caught)} of {len(caught)} bursts of {args.size} exposed the 3 ms race "
              f"({100 * sum(caught) / len(caught):.0f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
