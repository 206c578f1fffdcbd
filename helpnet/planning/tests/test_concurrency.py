"""Two coordinators deciding the same proposal at once, in two real processes on PostgreSQL: exactly one wins,
and an accepted proposal becomes exactly one measure."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from helpnet.planning.models import Measure, MeasureProposal

from .factories import GoalFactory, ProposalFactory, make_world

ROOT = Path(__file__).resolve().parents[3]

# Each process loads the proposal, says it is ready, waits for the go file, then decides on what it loaded.
SCRIPT = """
import pathlib, sys, time, django
django.setup()
from django.core.exceptions import ValidationError
from django.utils import translation
translation.activate("en")
from helpnet.accounts.models import User
from helpnet.planning import actions
from helpnet.planning.models import Goal, MeasureProposal
proposal = MeasureProposal.objects.get(pk=sys.argv[1])
goal = Goal.objects.get(pk=sys.argv[2])
user = User.objects.get(username=sys.argv[3])
decision = sys.argv[4]
pathlib.Path(sys.argv[5] + "." + decision).touch()
while not pathlib.Path(sys.argv[5]).exists():
    time.sleep(0.005)
try:
    if decision == "accept":
        actions.accept_proposal(proposal, goal=goal, code="G1.M9", answer="Yes.", by=user)
    else:
        actions.reject_proposal(proposal, answer="No.", by=user)
except ValidationError as error:
    print("REFUSED", error.messages[0])
else:
    print("OK")
"""


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel processes")
def test_accept_and_reject_at_once_exactly_one_wins(tmp_path: Path) -> None:
    world = make_world()
    goal = GoalFactory(strategy__network=world.network)
    proposal = ProposalFactory(network=world.network, organization=world.org_a)
    env: dict[str, Any] = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "helpnet.settings",
    }
    go = tmp_path / "go"
    decisions = ("accept", "reject")
    processes = [
        subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [
                sys.executable,
                "-c",
                SCRIPT,
                str(proposal.pk),
                str(goal.pk),
                world.coordinator.username,
                d,
                str(go),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for d in decisions
    ]
    deadline = time.time() + 120
    while not all((tmp_path / f"go.{d}").exists() for d in decisions):
        assert time.time() < deadline, "the processes did not start"
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
        time.sleep(0.05)
    go.touch()
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out.strip())
    assert sorted(o.split()[0] for o in outputs) == ["OK", "REFUSED"], outputs
    assert "This proposal has already been decided." in next(o for o in outputs if o.startswith("REFUSED"))
    proposal.refresh_from_db()
    assert proposal.status in (MeasureProposal.Status.ACCEPTED, MeasureProposal.Status.REJECTED)
    expected_measures = 1 if proposal.status == MeasureProposal.Status.ACCEPTED else 0
    assert Measure.objects.count() == expected_measures
