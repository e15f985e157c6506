"""A web worker loads no analysis, chart, document or queue library until a page needs one.

``import survey.wsgi`` and the rep's journey (intro, pages, submit) run in a fresh interpreter,
which then lists the heavy libraries it holds (README, *Workers*). The database and the link are
made here, by the usual factories: those import numpy, so the worker must not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.factories import make_invitation, make_world

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "numpy",
    "scipy",
    "pandas",
    "altair",
    "vl_convert",
    "weasyprint",
    "openpyxl",
    "pptx",
    "pyreadstat",
    "PIL",
    "statsmodels",
    "jsonschema",
    "dramatiq",
    "redis",
    "alembic",
    "authlib",
    "zxcvbn",
)
# What the thank-you page still needs: the precision of the index is computed from the pooled
# sample (numpy, SciPy), and its chart drawn with Altair (README, *Workers*).
THANKS_NEEDS = {"numpy", "scipy", "pandas", "altair", "jsonschema"}

WORKER = """
import json, sys

HEAVY = json.loads(sys.argv[2])


def held():
    return sorted(name for name in HEAVY if name in sys.modules)


seen = {}
import survey.wsgi

seen["import"] = held()
from questionnaires import load_directory
from tests.survey.journey import answer_all  # imports no heavy library either

seen["helpers"] = held()
client = survey.wsgi.app.test_client()
token = sys.argv[1]
assert client.get(f"/r/{token}").status_code == 200
assert client.get(f"/r/{token}/1").status_code == 200
seen["intro and a page"] = held()
final = answer_all(client, token, load_directory()[("rep-mindset", 1)])  # make_world's
assert final.headers["Location"].endswith("/thanks"), final.status_code
seen["pages and submit"] = held()
assert client.get("/thanks").status_code == 200
seen["thanks"] = held()
print(json.dumps(seen))
"""


def test_the_rep_path_loads_no_heavy_library(app, dbs, database_url, tmp_path):
    world = make_world(dbs)
    token = make_invitation(dbs, world)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": str(ROOT),
        "SURVEY_SECRET_KEY": "a-worker-import-test-key-of-32-characters",
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_PUBLIC_URL": "http://localhost",
    }
    done = subprocess.run(
        [sys.executable, "-c", WORKER, token, json.dumps(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["import"] == []
    assert seen["helpers"] == []
    assert seen["intro and a page"] == []
    assert seen["pages and submit"] == []
    assert set(seen["thanks"]) <= THANKS_NEEDS
