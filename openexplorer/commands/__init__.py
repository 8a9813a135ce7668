"""Further ``openexplorer`` subcommands, one module each.

A module here defines ``COMMAND`` (its name), ``HELP`` (one line), ``add_arguments(parser)``
and ``run(args, open_cache) -> int`` where ``open_cache()`` opens the cache chosen by ``--db``.
Raise :class:`openexplorer.cli.UsageError` for bad arguments or unknown ids (exit status 2).
The command line finds them by walking this package, so a new command needs no edit elsewhere.
"""
