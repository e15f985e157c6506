"""Instructions per request of the rep's page and of the bare page, counted by callgrind.

Run from the repository root (about two minutes; needs valgrind)::

    .venv/bin/python bench/bench_page_instructions.py [--requests 50]

The wrk bench (``bench_rep_journey.py``) measures server CPU time, which moves with whatever
else the machine runs; this one counts the machine instructions that serving one request takes,
which do not: the same code gives the same count (to about 0.1%) on a busy machine or an idle
one, so it can tell what a small change buys. Instructions are not time (a cache miss costs
more than an add), so the target is still judged by the wrk bench.

Each app runs in its own process under ``valgrind --tool=callgrind`` (SQLite, a prepared wave
as in ``bench/_prepare.py``, the Flask test client, ``SURVEY_ENV=production``): 50 requests to
warm up, then counting is switched on (``callgrind_control -i on``) for ``--requests`` requests
and off again. Ours is ``GET /r/<token>/1`` of a confidential invitation with a draft, the
session cookie of its first answer sent back; the bare page is ``GET /read/<token>`` of
``bench/bare_response_app.py``, which reads the same rows and renders the same 8 items.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 50
TOTALS = re.compile(r"^totals:\s+(\d+)", re.MULTILINE)
POLL_S = 0.05


def serve(which: str, requests: int, gate: Path) -> None:
    """In the process that callgrind runs: warm up, say ``ready``, wait, serve, say ``done``."""
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp())
    url = f"sqlite:///{folder / 'bench.db'}"
    os.environ.update(
        SURVEY_ENV="production",
        SURVEY_SECRET_KEY="x" * 64,
        SURVEY_PUBLIC_URL="http://127.0.0.1",
        SURVEY_DATABASE_URL=url,
        SURVEY_REQUEST_LOG_LEVEL="INFO",
    )
    from bench._prepare import prepare_wave

    wave = prepare_wave(url, 1, confidential=True, rungs=3)
    if which == "bare":
        os.environ.update(BENCH_WAVE_ID=str(wave.wave_id), BENCH_TEAM_ID=str(wave.team_id))
        from bench.bare_response_app import create_app as create_bare

        app, path = create_bare(url), f"/read/{wave.tokens[0]}"
    else:
        from survey import create_app

        app, path = create_app(), f"/r/{wave.tokens[0]}/1"
    with open(os.devnull, "w") as sys.stderr:  # the request log's lines: written, not kept
        client = app.test_client()
        for _ in range(WARM_UP):
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        _wait(gate, "ready")
        for _ in range(requests):
            client.get(path)
        _wait(gate, "done")


def _wait(gate: Path, step: str) -> None:
    print(step, flush=True)
    while not gate.with_suffix(f".{step}").exists():
        time.sleep(POLL_S)


def count(which: str, requests: int, folder: Path) -> int:
    """Instructions per request of ``which`` (``ours`` or ``bare``)."""
    gate, out = folder / which, folder / f"{which}.callgrind"
    command = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
    command += [f"--callgrind-out-file={out}", sys.executable, __file__]
    command += ["--serve", which, "--requests", str(requests), "--gate", str(gate)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    log = folder / f"{which}.log"  # valgrind's and the app's own messages
    with log.open("w") as errors:
        child = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=errors, text=True, cwd=ROOT, env=env
        )
    assert child.stdout is not None
    for step, switch in (("ready", "on"), ("done", "off")):
        line = child.stdout.readline().strip()
        if line != step:
            child.kill()
            raise SystemExit(f"{which}: expected {step!r}, got {line!r}\n{log.read_text()[-2000:]}")
        subprocess.run(
            ["callgrind_control", "-i", switch, str(child.pid)], check=True, capture_output=True
        )
        gate.with_suffix(f".{step}").touch()
    if child.wait() != 0:
        raise SystemExit(f"{which}: exited with {child.returncode}\n{log.read_text()[-2000:]}")
    found = TOTALS.search(out.read_text())
    if found is None:
        raise SystemExit(f"{which}: no totals in {out}")
    return int(found.group(1)) // requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--serve", choices=("ours", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--gate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.requests, args.gate)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        counts = {which: count(which, args.requests, Path(folder)) for which in ("bare", "ours")}
    print(f"Page instructions per request, {args.requests} requests each after {WARM_UP}")
    print(f"  bare page, same rows read: {counts['bare']:>12,}")
    print(f"  our page /r/<token>/1:     {counts['ours']:>12,}")
    print(f"  ratio bare / ours: {counts['bare'] / counts['ours']:.2f} (target 0.7, by CPU time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
