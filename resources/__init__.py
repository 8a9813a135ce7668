"""Data files shipped with OpenExplorer (installed as the ``openexplorer.resources`` package)."""
