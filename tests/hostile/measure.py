"""Run a command and write its exit status, wall time and peak RSS to a JSON file.

    python measure.py STATS.json -- COMMAND...

Peak RSS is ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` read in this fresh
process, whose only child is COMMAND: the largest resident set COMMAND (or a
process it waited for) ever had. The command's output passes through.
"""

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    stats, sep, *cmd = argv
    assert sep == "--" and cmd, __doc__
    start = time.monotonic()
    rc = subprocess.call(cmd)
    seconds = time.monotonic() - start
    kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    Path(stats).write_text(json.dumps({"rc": rc, "seconds": seconds, "peak_rss_mb": kib / 1024}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
