"""A case management system pushes the DfE API payload: token required, bad payloads refused whole, good ones
loaded through the same atomic, recorded load as a file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from caseboard.store import Store, open_store
from caseboard.web.app import create_app
from caseboard.web.push import new_token

PATH = "/children_social_care_data/926/children"
GOOD = [{"la_child_id": "P1", "child_details": {"date_of_birth": "2014-05-02", "sex": "F"},
         "social_care_episodes": [{"social_care_episode_id": "E1", "referral_date": "2025-11-03",
                                   "child_protection_plans": [{"child_protection_plan_id": "C1",
                                                               "start_date": "2025-12-01"}]}]}]


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "push.duckdb")
    yield s
    s.close()


@pytest.fixture()
def client(store: Store) -> TestClient:
    return TestClient(create_app(store, secret="test-secret"))


def test_a_push_without_a_valid_token_is_refused_and_logged(client: TestClient, store: Store) -> None:
    assert client.post(PATH, json=GOOD).status_code == 401
    assert client.post(PATH, json=GOOD, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    denied = store.query("SELECT action, role FROM web_audit WHERE action = 'denied'")
    assert denied.height == 2 and set(denied["role"]) == {"api"}
    assert store.table("children").height == 0


def test_a_bad_payload_gets_400_with_its_findings_and_changes_nothing(client: TestClient, store: Store) -> None:
    token = new_token(store, "cms")
    bad = [dict(GOOD[0], child_details={"date_of_birth": "02/05/2014"})]
    response = client.post(PATH, json=bad, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400
    body = response.json()
    assert "nothing was changed" in body["detail"]
    assert [(f["record"], f["field"]) for f in body["findings"] if f["severity"] == "error"] == [
        (0, "/0/child_details/date_of_birth")]
    assert store.table("children").height == 0 and store.table("cp_plans").height == 0
    not_json = client.post(PATH, content=b"[{", headers={"Authorization": f"Bearer {token}"})
    assert not_json.status_code == 400 and "not valid JSON" in not_json.json()["detail"]


def test_a_good_payload_is_loaded_as_a_recorded_load(client: TestClient, store: Store) -> None:
    token = new_token(store, "cms")
    response = client.post(PATH, json=GOOD, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "committed" and body["changes"]["cp_plans"]["new"] == 1
    assert store.table("cp_plans")["child_id"].to_list() == ["P1"]
    loads = store.loads()
    assert loads["command"].to_list() == ["push"] and loads["user_name"].to_list() == ["cms"]
    again = client.post(PATH, json=GOOD, headers={"Authorization": f"Bearer {token}"}).json()
    assert again["changes"]["cp_plans"] == {"received": 1, "new": 0, "updated": 0}
