"""The quick-start job on the bundled lab: validate, plan, apply, plan again.

Run by `make demo`. Starts the lab for the example estate in this repository,
shows each command as you would type it, and stops the lab at the end
(KEEP_LAB=1 leaves it running to explore).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RECONCILER = str(BIN / "reconciler")


def run(*args: str, ok: tuple[int, ...] = (0,), env: dict[str, str] | None = None) -> int:
    print(f"\n$ reconciler {shlex.join(args)}", flush=True)
    rc = subprocess.call([RECONCILER, *args], cwd=ROOT, env=env)
    if rc not in ok:
        print(f"demo: `reconciler {args[0]}` exited {rc}, expected {ok}", file=sys.stderr)
        raise SystemExit(1)
    return rc


def main() -> int:
    run("lab", "down")
    run("lab", "up")
    env = {**os.environ, "RECONCILER_ENDPOINTS": str(ROOT / ".lab" / "endpoints.yaml"),
           "RECONCILER_CREDENTIALS": str(ROOT / ".lab" / "credentials.yaml")}
    try:
        run("validate", env=env)
        run("plan", "--format", "text", ok=(2,), env=env)
        run("apply", "--yes", env=env)
        run("plan", ok=(0,), env=env)
        print("\ndemo: the second plan is empty: the lab matches the estate.")
    finally:
        if not os.environ.get("KEEP_LAB"):
            run("lab", "down")
        else:
            print("demo: lab left running (KEEP_LAB=1); `reconciler lab down` stops it.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
