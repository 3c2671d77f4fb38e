"""Times the PyPI `galechurch` aligner for `cargo bench --bench align`.

    python3 run_galechurch.py SOURCE_DIR TARGET_DIR OUT_DIR

aligns the same-named files of SOURCE_DIR and TARGET_DIR (one sentence a line, blocks separated
by blank lines) with `galechurch.align_corpus`, the package's own multi-core path, writes the
beads to OUT_DIR, and prints one line of JSON: wall seconds, CPU seconds (every thread) and the
process's peak resident memory (VmHWM) in MB, the interpreter included.

The benchmark installs nothing: make the package importable by the python it runs, e.g.

    python3 -m venv target/bench-venv && target/bench-venv/bin/pip install galechurch
"""

import json
import sys
import time

import galechurch


def peak_memory_kb() -> float:
    """VmHWM: unlike getrusage's ru_maxrss it does not count the memory of the process that
    started this one (fork keeps it across exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    return float("nan")


def main() -> None:
    source, target, out = sys.argv[1:4]
    start = time.perf_counter()
    cpu = time.process_time()
    galechurch.align_corpus(source, target, out)
    seconds = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak_mb = peak_memory_kb() / 1024
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_mb}))


if __name__ == "__main__":
    main()
