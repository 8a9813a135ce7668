"""OpenExplorer: how open is an AI model, really?"""

__version__ = "0.1.0"
