"""``python -m openexplorer`` runs the same entry point as the ``openexplorer`` command."""

import sys

from openexplorer.cli import main

if __name__ == "__main__":
    sys.exit(main())
