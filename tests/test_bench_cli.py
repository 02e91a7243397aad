"""The bench commands' arguments: counts are whole numbers of at least 1, and every run measures the floor."""

import pytest

from bench.run import parse_args


def test_defaults_measure_every_phase_floor_first():
    args = parse_args([])
    assert args.phases == [
        "floor",
        "me",
        "tree",
        "tree_big",
        "tree_304",
        "lesson",
        "stats",
        "enrollment",
        "answer",
        "batch10",
        "flow",
    ]
    assert (args.users, args.duration, args.rounds, args.workers, args.requests) == (12, 15, 3, 3, 300)
    assert args.servers == ["granian"]  # production's (bench.common.PRODUCTION_SERVER)


def test_servers_compared_side_by_side_are_the_known_ones(capsys):
    assert parse_args(["--servers", "gunicorn", "granian"]).servers == ["gunicorn", "granian"]
    with pytest.raises(SystemExit):
        parse_args(["--servers", "uwsgi"])
    assert "invalid choice: 'uwsgi'" in capsys.readouterr().err


def test_every_phase_has_a_locust_task():
    from pathlib import Path

    locustfile = (Path(__file__).resolve().parent.parent / "bench" / "locustfile.py").read_text()
    for phase in parse_args([]).phases:
        assert f'@tag("{phase}")' in locustfile


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (["answer"], ["floor", "answer"]),
        (["tree", "floor", "tree"], ["floor", "tree"]),
        (["floor"], ["floor"]),
    ],
)
def test_the_floor_runs_first_once_whatever_phases_are_asked_for(phases, expected):
    assert parse_args(["--phases", *phases]).phases == expected


@pytest.mark.parametrize("value", ["0", "-3", "x", "1.5"])
@pytest.mark.parametrize("option", ["--users", "--duration", "--rounds", "--workers", "--requests"])
def test_counts_below_one_or_not_whole_are_refused(option, value, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args([option, value])
    assert exit_info.value.code == 2
    assert f"argument {option}:" in capsys.readouterr().err
