"""Dashboard matrix: 200 agencies × 20 quotas rendered over HTTP, against a bare f-string table.

dashboard_render_ms: median time of a full GET of the matrix (login, query, filters, sort,
Jinja2 template) once the verdicts are parsed; dashboard_cold_ms: the first request, which also
reads and parses every stored verdict; baseline_fstring_ms: the same cells as a bare f-string
table (no escaping, no template); ratio = render / baseline.
"""

from __future__ import annotations

import argparse
import html
import json
import statistics
import sys
import tempfile
import time
import warnings
from datetime import date
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web.dataset import populate, synthetic_plan
from web.app import create_app
from web.matrix import build_matrix
from web.passwords import hash_password

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

AS_OF = date(2024, 8, 15)
URL = "/?plan=bench-200&as_of=2024-08-15"


def fstring_table(matrix) -> str:
    head = "".join(f"<th>{c.title}</th>" for c in matrix.columns)
    body = "".join(
        f"<tr><td>{row.name}</td>" + "".join(
            f"<td class='{cell.status}'>{cell.count}/{cell.target} {cell.status}</td>"
            if (cell := row.cells.get(c.rule)) else "<td>—</td>" for c in matrix.columns)
        + "</tr>" for row in matrix.rows)
    return f"<table><tr><th>Cơ quan</th>{head}</tr>{body}</table>"


def run(rounds: int = 15) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        users = home / "users.yaml"
        users.write_text(json.dumps({"users": [{"username": "bench", "name": "Bench",
                                                "role": "viewer", "password": hash_password(
                                                    "bench", iterations=1000)}]}))
        settings = SimpleNamespace(home=home, database_url=f"sqlite:///{home / 'cchc.db'}",
                                   stream_url=f"embedded://{home / 'stream.db'}", plans_dir=None,
                                   users_file=users, secret_key="bench", session_max_age=3600,
                                   secure_cookies=None)
        app = create_app(settings)
        web = app.state.web
        with web.sessions() as session:
            verdict_count = len(populate(session, synthetic_plan(200, 20), AS_OF, articles=False))
        with TestClient(app) as client:
            token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post("/login", data={"username": "bench", "password": "bench",
                                        "csrf_token": token})
            start = time.perf_counter()
            first = client.get(URL)
            cold = (time.perf_counter() - start) * 1000
            assert first.status_code == 200 and first.text.count('class="agency"') == 200
            warm = []
            for _ in range(rounds):
                start = time.perf_counter()
                client.get(URL)
                warm.append((time.perf_counter() - start) * 1000)
        with web.sessions() as session:
            info = web.catalog.get(session, "bench-200")
            cells = web.store.cells(session, "bench-200", AS_OF)
        matrix = build_matrix(info, cells, AS_OF)
        baseline = []
        for _ in range(rounds):
            start = time.perf_counter()
            html.escape(fstring_table(matrix), quote=False)
            baseline.append((time.perf_counter() - start) * 1000)
        web.sessions.kw["bind"].dispose()
    render, base = statistics.median(warm), statistics.median(baseline)
    return {"dashboard_render_ms": round(render, 1), "dashboard_cold_ms": round(cold, 1),
            "baseline_fstring_ms": round(base, 2), "dashboard_ratio": round(render / base, 1),
            "dashboard_agencies": len(matrix.rows), "dashboard_quotas": len(matrix.columns),
            "dashboard_verdicts_stored": verdict_count}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    figures = run()
    if args.json:
        print(json.dumps(figures))
        return
    print(f"matrix {figures['dashboard_agencies']} agencies × {figures['dashboard_quotas']} quotas "
          f"({figures['dashboard_verdicts_stored']} verdicts stored)")
    print(f"  full GET, warm        {figures['dashboard_render_ms']:8.1f} ms  (target < 300 ms)")
    print(f"  full GET, cold        {figures['dashboard_cold_ms']:8.1f} ms")
    print(f"  bare f-string table   {figures['baseline_fstring_ms']:8.2f} ms")
    print(f"  ratio                 {figures['dashboard_ratio']:8.1f}×")


if __name__ == "__main__":
    main()
