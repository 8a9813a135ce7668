"""The README's promises: its two commands, and CI running the same test command."""

from __future__ import annotations

import re

from tests.conftest import REPO


def _readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_readme_has_exactly_two_commands():
    commands = _readme_commands()
    assert len(commands) == 2
    launch, tests = commands
    assert launch.endswith(".venv/bin/openexplorer")
    assert "pytest" in tests


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert _readme_commands()[1] in ci.splitlines()


def test_every_cli_command_is_in_the_readme():
    from openexplorer.cli import COMMANDS

    text = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"openexplorer {command}" in text
