import pytest
from django.core.management import call_command

from core.models import Agent, Team, User, Vendor


@pytest.mark.django_db
def test_seed_demo_runs_twice_without_duplicates(capsys):
    call_command("seed_demo")
    counts = (Vendor.objects.count(), Team.objects.count(), Agent.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Vendor.objects.count(), Team.objects.count(), Agent.objects.count(), User.objects.count()) == counts
    assert counts[0] == 2 and counts[1] == 4 and counts[2] >= 40
    assert Vendor.objects.filter(kind="partner").count() == 1
    out = capsys.readouterr().out
    for username in ("admin", "lead", "reviewer", "hiring", "agent"):
        assert f"  {username} " in out
