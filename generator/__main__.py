"""Allow ``python -m generator``."""

from __future__ import annotations

import sys

from generator.cli import main

if __name__ == "__main__":  # not when a spawned worker (publish/cores.py) imports this module as __mp_main__
    sys.exit(main())
