"""No network, ever (issue 11, item 12): the measurement commands run in a network namespace
of their own (``unshare -n``: no interface but a down loopback) under ``strace``, which
records every ``connect``/``sendto``/``sendmsg`` the process tree attempts; none may reach
for an Internet address. A SQLite file as store is the case where DuckDB used to try to
download its sqlite extension."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not (shutil.which("unshare") and shutil.which("strace")),
    reason="needs root, unshare and strace for a real network namespace",
)

DRIVER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from gigawatt.cli import main
    from gigawatt.measure import Monitor, measure
    from gigawatt.measure.devices import discover_devices

    tmp = Path(sys.argv[1])
    store = str(tmp / "m.duckdb")
    codes = {}
    codes["measure"] = main(["measure", "--store", store, "--name", "offline", "--output-tokens",
                             "3", "--", sys.executable, "-c", "pass"])
    with measure("api", monitor=Monitor(discover_devices()), store=tmp / "api.duckdb"):
        pass
    codes["runs"] = main(["runs", "--json", "--store", store])
    codes["runs show"] = main(["runs", "--store", store, "show", "no-such-id"])
    codes["runs export"] = main(["runs", "export", "--store", store, "-o", str(tmp / "x.parquet"),
                                 "--format", "parquet"])
    codes["import-codecarbon"] = main(["runs", "import-codecarbon", str(tmp / "emissions.csv"),
                                       "--store", store])
    codes["calibrate"] = main(["calibrate", "--store", store, "-o", str(tmp / "cal.yaml")])
    codes["sqlite store"] = main(["runs", "--store", str(tmp / "lite.db")])
    codes["sqlite measure"] = main(["measure", "--store", str(tmp / "lite.db"), "--",
                                    sys.executable, "-c", "pass"])
    print("CODES " + json.dumps(codes))
    """
)

CODECARBON = (
    "timestamp,project_name,run_id,duration,cpu_energy,gpu_energy,ram_energy,energy_consumed,"
    "gpu_count,pue\n2025-03-01T12:00:00,p,r,10,0.001,0.002,0.0001,0.0031,1,1.2\n"
)


def test_measurement_commands_make_no_network_call(tmp_path: Path) -> None:
    (tmp_path / "emissions.csv").write_text(CODECARBON)
    con = sqlite3.connect(tmp_path / "lite.db")
    con.execute("CREATE TABLE t (a)")
    con.commit()
    con.close()
    log = tmp_path / "strace.log"
    proc = subprocess.run(
        [
            "unshare",
            "-n",
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=connect,sendto,sendmsg",
            "-o",
            str(log),
            sys.executable,
            "-c",
            DRIVER,
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "GIGAWATT_STORE": ""},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(x for x in proc.stdout.splitlines() if x.startswith("CODES "))
    codes = json.loads(line[len("CODES ") :])
    assert codes == {
        "measure": 0,
        "runs": 0,
        "runs show": 2,  # an unknown id: exit 2, still no network
        "runs export": 0,
        "import-codecarbon": 0,
        "calibrate": 2,  # no window with model metadata: exit 2
        "sqlite store": 2,
        "sqlite measure": 2,
    }, proc.stderr[-3000:]
    inet = [x for x in log.read_text().splitlines() if re.search(r"AF_INET6?\b", x)]
    assert inet == [], "network calls attempted:\n" + "\n".join(inet[:20])
    assert "lite.db' is a SQLite database" in proc.stderr
