"""Does the test suite pass on a busy machine? Runs pytest N times while every core is kept busy.

    python bench/suite_under_load.py                       # the full suite, 3 times
    python bench/suite_under_load.py --runs 5 -- tests/discord_app tests/records

A CPU hog runs on every core for as long as the runs take: `stress-ng --cpu N` when it is
installed (Debian package stress-ng), otherwise one Python busy loop per core (`--hog python`
forces that). Each run's pass or fail, exit status, wall time and pytest's closing line are
printed, and the full output is kept in a log folder (printed at the start) so a failure can be
read afterwards. The hog is stopped however the script ends. Exit status 0 only when every run
passed. This prints numbers; it is not a test, and it is not part of `make test` (issue 24: a
suite that never flakes under load).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _busy() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        pass


@contextmanager
def cpu_hog(cores: int, kind: str) -> Iterator[str]:
    """Keep `cores` cores busy until the block ends; yields what is running."""
    stress = shutil.which("stress-ng") if kind in ("auto", "stress-ng") else None
    if kind == "stress-ng" and stress is None:
        raise SystemExit("stress-ng is not installed (Debian package stress-ng); use --hog python")
    if stress:
        process = subprocess.Popen(
            [stress, "--cpu", str(cores), "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            yield f"stress-ng --cpu {cores} (pid {process.pid})"
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return
    loops = [multiprocessing.Process(target=_busy, daemon=True) for _ in range(cores)]
    for loop in loops:
        loop.start()
    try:
        yield f"{cores} Python busy loops (pids {', '.join(str(p.pid) for p in loops)})"
    finally:
        for loop in loops:
            loop.terminate()
        for loop in loops:
            loop.join(10)


SUMMARY = re.compile(r"^=*\s*((?:\d+ \w+(?:, )?)+ in [\d.]+s.*?|no tests ran.*?)\s*=*$")


def closing_line(output: str) -> str:
    """pytest's closing line (e.g. "145 passed in 98.12s"), without the rule around it."""
    for line in reversed(output.splitlines()):
        if found := SUMMARY.match(line.strip()):
            return found.group(1)
    return "(no pytest summary line)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="how many times to run pytest (3)")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="cores to keep busy (all)")
    parser.add_argument("--hog", choices=("auto", "stress-ng", "python"), default="auto")
    parser.add_argument("--logs", type=Path, help="folder for each run's full output (a new temp folder)")
    parser.add_argument("pytest_args", nargs="*", help="after --: what to hand pytest (the full suite)")
    args = parser.parse_args()

    logs = args.logs or Path(tempfile.mkdtemp(prefix="suite-under-load-"))
    logs.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pytest", *args.pytest_args]
    print(f"command: {' '.join(command[1:])}  (in {ROOT})")
    print(f"machine: {os.cpu_count()} cores; load average before: {os.getloadavg()[0]:.2f}")
    print(f"logs:    {logs}")
    results: list[tuple[int, float]] = []
    with cpu_hog(args.cores, args.hog) as hog:
        print(f"hog:     {hog}")
        time.sleep(2)  # let the hog take the cores before the first run starts
        for n in range(1, args.runs + 1):
            started = time.monotonic()
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            wall = time.monotonic() - started
            output = done.stdout + done.stderr
            (logs / f"run-{n}.log").write_text(output, "utf-8")
            results.append((done.returncode, wall))
            verdict = "passed" if done.returncode == 0 else "FAILED"
            print(
                f"run {n}/{args.runs}: {verdict} (exit {done.returncode}) in {wall:.1f} s wall, "
                f"load average {os.getloadavg()[0]:.2f}: {closing_line(output)}",
                flush=True,
            )
            if done.returncode:
                for line in output.splitlines():
                    if line.startswith(("FAILED ", "ERROR ")):
                        print(f"    {line}")
    green = sum(rc == 0 for rc, _ in results)
    walls = ", ".join(f"{wall:.1f}" for _, wall in results)
    print(f"summary: {green} of {len(results)} green under the hog; wall times {walls} s")
    return 0 if green == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
