"""Each command owns its arguments: its own usage on a bad option, a description in --help."""

import pytest

from extractor.cli import COMMANDS, main


def test_a_bad_option_gives_the_commands_own_usage(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["extract", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: csx extract ")
    assert err.rstrip().endswith("csx extract: error: unrecognized arguments: --bogus")


def test_a_bad_option_of_a_figure_gives_the_figures_usage(capsys):
    with pytest.raises(SystemExit):
        main(["plot", "fsc", "J1", "-o", "x.png", "--bogus"])
    assert capsys.readouterr().err.rstrip().endswith("csx plot fsc: error: unrecognized arguments: --bogus")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_a_description(capsys, command):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    usage, description = capsys.readouterr().out.split("\n\n")[:2]
    assert usage.startswith(f"usage: csx {command}")
    assert len(description.split()) >= 3 and not description.startswith(("positional", "options"))

