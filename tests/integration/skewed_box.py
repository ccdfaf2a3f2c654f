"""Run the edge uploader on a box whose wall clock is wrong: ``python -m tests.integration.skewed_box SECONDS ARGS``.

The process's ``time.time`` runs SECONDS behind (a board without a battery-backed clock that booted with an
old date); its boot clock runs right, as a boot clock does. Everything else is the uploader as it ships.
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    behind = float(sys.argv[1])
    real = time.time
    time.time = lambda: real() - behind  # before the uploader is imported: its defaults read the box's clock
    from edge_uploader.cli import main as uploader

    return uploader(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
