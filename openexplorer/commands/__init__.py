"""The ``openexplorer`` subcommands, one module each.

A module here defines ``COMMAND`` (its name), ``HELP`` (one line), optionally ``DESCRIPTION``
(the ``--help`` text; default ``HELP``), ``add_arguments(parser)`` and
``run(args, open_cache) -> int`` where ``open_cache(seed=True)`` opens the cache chosen by
``--db`` (``args.command_line`` is the whole command line's parser). Raise
:class:`openexplorer.commands._output.UsageError` for bad arguments or unknown ids (exit
status 2); shared output helpers are in :mod:`openexplorer.commands._output`, and no command
imports :mod:`openexplorer.cli`. The command line finds the modules by walking this
package (modules named ``_…`` are helpers), so a new command needs no edit elsewhere.
"""
