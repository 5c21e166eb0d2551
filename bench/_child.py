"""Run one `sdkgen` command in this process and report wall time and peak memory as JSON.

Used by bench/run.py so that every measurement gets a fresh interpreter; peak memory is the
largest resident set of this process and of its worker processes.
"""

from __future__ import annotations

import json
import resource
import sys
import time


def main() -> None:
    from generator.cli import main as sdkgen

    started = time.perf_counter()
    code = 0
    try:
        sdkgen(sys.argv[1:], standalone_mode=False)
    except SystemExit as exc:
        code = int(exc.code or 0)
    seconds = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mib": max(own, workers) / 1024, "exit": code}))


if __name__ == "__main__":
    main()
