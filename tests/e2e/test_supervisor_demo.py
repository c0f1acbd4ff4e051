"""The demo on `samverkan run`: its steps log as the services do, a failing step leaves
the services serving, and a second run after the user has worked with the suite starts
as the first did.

Every test starts `samverkan run` through the `samverkan` fixture (tests/e2e/conftest.py),
which kills whatever the run left behind (the supervisor and every process it started)
when the test ends.
"""

import json
from pathlib import Path

import httpx
import pytest

from tests.support.supervisor_runs import Run, Starter, log_events

pytestmark = pytest.mark.e2e


def test_the_demo_steps_log_as_the_services_do(
    tmp_path: Path, samverkan: Starter
) -> None:
    run = samverkan(tmp_path / "var")
    run.wait_for_output("Press Ctrl-C")
    assert run.stop() == 0
    events = log_events(run.text())
    imported = [event for event in events if event["event"] == "agreements_imported"]
    assert imported[0]["service"] == "tips"
    [running] = [event for event in events if event["event"] == "suite_running"]
    assert running["demo_clients"] == str(
        (tmp_path / "var").resolve() / "demo-clients.json"
    )
    # The witness follows the log before the log asks it to cosign, so no round of
    # the log's is refused by a witness that does not know it yet.
    names = [event["event"] for event in events]
    assert names.index("following_log") < names.index("witness_added")
    assert "witness_failed" not in names


def test_a_failing_demo_step_leaves_the_services_serving(
    tmp_path: Path, samverkan: Starter
) -> None:
    data_dir = tmp_path / "var"
    (data_dir / "demo-clients.json").mkdir(parents=True)  # the seed cannot write it

    run = samverkan(data_dir)
    run.wait_for_output("Press Ctrl-C")
    failed = {
        event["step"]: event
        for event in log_events(run.text())
        if event["event"] == "demo_step_failed"
    }
    assert set(failed) == {"seed", "after-start"}
    assert failed["seed"]["detail"].startswith(
        "demo step sharing seed failed: IsADirectoryError"
    )
    assert "Traceback" in failed["seed"]["exception"]  # in the line, not beside it
    assert failed["after-start"]["service"] == "sharing"
    assert "WARNING: the demo is incomplete" in run.text()
    run.wait_ready()
    assert run.process.poll() is None
    assert run.stop() == 0


# --- a second `make run` -------------------------------------------------------------


def _token(run: Run, client: str) -> dict[str, str]:
    document = json.loads((run.data_dir / "demo-clients.json").read_text())
    credentials = document["clients"][client]
    response = httpx.post(
        f"{run.url('SHARING')}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(credentials["client_id"], credentials["client_secret"]),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _tree_size(run: Run) -> int:
    response = httpx.get(
        f"{run.url('AUDIT_LOG')}/v1/checkpoint", headers=_token(run, "compliance")
    )
    assert response.status_code == 200, response.text
    return int(response.text.splitlines()[1])


def _file_tips_the_demo_could_mistake_for_its_own(run: Run) -> None:
    """File tips as malmo until one sorts before or after every demo tip by id.

    A demo that picks "the first" or "the last" tip by id would then pick the user's.
    """
    headers = _token(run, "malmo")
    listed = httpx.get(f"{run.url('TIPS')}/v1/tips", headers=headers).json()["items"]
    demo_ids = sorted(item["id"] for item in listed)
    for attempt in range(60):
        response = httpx.post(
            f"{run.url('TIPS')}/v1/tips",
            headers={**headers, "Idempotency-Key": f"user-tip-{attempt}"},
            json={
                "supplier": {"org_number": "556677-8899", "name": "Exempel Omsorg AB"},
                "agreement_id": "hvb-2022",
                "categories": ["staffing"],
                "description": "Ingen nattpersonal på plats vid besök.",
                "occurred_on": "2026-10-01",
                "reporter": {
                    "municipality_code": "1280",
                    "unit": "IFO Barn och unga",
                    "activity": "social_services",
                },
            },
        )
        assert response.status_code == 201, response.text
        if not demo_ids[0] < response.json()["id"] < demo_ids[-1]:
            return
    raise AssertionError("no tip sorted outside the demo's in 60 tries")


def test_a_second_run_after_filing_a_tip_starts_as_the_first(
    tmp_path: Path, samverkan: Starter
) -> None:
    """#17: file a tip as malmo, stop, `make run` again: the demo adds nothing, fails not."""
    first = samverkan(tmp_path / "var")
    first.wait_for_output("Press Ctrl-C")
    _file_tips_the_demo_could_mistake_for_its_own(first)
    logged = _tree_size(first)
    assert first.stop() == 0

    second = samverkan(tmp_path / "var", ports=first.ports)
    second.wait_for_output("Press Ctrl-C")
    assert "WARNING" not in second.text()
    assert "demo step" not in second.text()
    assert _tree_size(second) == logged  # nothing disclosed twice
    assert second.stop() == 0
