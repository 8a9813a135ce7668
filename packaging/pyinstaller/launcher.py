"""The bundle's entry point: the ``openexplorer`` command (no arguments: the window)."""

import multiprocessing
import sys

from openexplorer.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
