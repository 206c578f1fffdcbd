"""Two people accepting the same referral at once, in two real processes on PostgreSQL: exactly one wins."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from helpnet.referrals.models import Referral, ReferralEvent

ROOT = Path(__file__).resolve().parents[3]

# Each process loads the referral, says it is ready, waits for the go file, then acts on what it loaded.
SCRIPT = """
import pathlib, sys, time, django
django.setup()
from django.utils import translation
translation.activate("en")
from helpnet.accounts.models import User
from helpnet.referrals import actions
from helpnet.referrals.models import Referral
referral = Referral.objects.get(pk=sys.argv[1])
user = User.objects.get(username=sys.argv[2])
pathlib.Path(sys.argv[3] + "." + sys.argv[2]).touch()
while not pathlib.Path(sys.argv[3]).exists():
    time.sleep(0.005)
try:
    actions.accept_referral(referral, by=user)
except actions.StaleReferralError as error:
    print("STALE", error.messages[0])
else:
    print("OK")
"""


def _database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real parallel processes")
def test_two_processes_accept_the_same_referral_exactly_one_wins(parties: Any, tmp_path: Path) -> None:
    referral = parties.referral("received")
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "helpnet.settings"}
    go = tmp_path / "go"
    users = ("receiver_editor", "receiver_admin")
    processes = [
        subprocess.Popen(  # noqa: S603 (our own script, fixed arguments)
            [sys.executable, "-c", SCRIPT, str(referral.pk), username, str(go)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for username in users
    ]
    # Both have loaded the referral (version 1) before either acts.
    deadline = time.time() + 120
    while not all((tmp_path / f"go.{u}").exists() for u in users):
        assert time.time() < deadline, "the processes did not start"
        assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
        time.sleep(0.05)
    go.touch()
    outputs = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        outputs.append(out.strip())
    assert sorted(o.split()[0] for o in outputs) == ["OK", "STALE"], outputs
    loser = next(o for o in outputs if o.startswith("STALE"))
    assert "Someone else changed this referral a moment ago: it is now Accepted. Reload to see it." in loser
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.version == 2
    assert ReferralEvent.objects.filter(referral=referral, to_status="accepted").count() == 1
    assert Referral.objects.count() == 1
