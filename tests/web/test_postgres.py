"""Accounts and the audit log on PostgreSQL, the multi-user server (the same SQL as on DuckDB)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from caseboard.indicators.testing import PG_URL
from caseboard.store import Store, open_store
from caseboard.web import accounts, audit

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg() -> Iterator[Store]:
    store = open_store(f"{PG_URL}#schema=t_web_{uuid.uuid4().hex[:10]}")
    yield store
    store.drop_schema()  # type: ignore[attr-defined]
    store.close()


def test_accounts_and_audit_entries_on_postgres(pg: Store) -> None:
    accounts.ensure_tables(pg)
    audit.ensure_tables(pg)
    accounts.ensure_tables(pg)  # idempotent
    accounts.set_user(pg, "hos", "twelve chars at least", "head_of_service", area_id="NOR")
    assert accounts.authenticate(pg, "hos", "wrong")[0] == "wrong"
    outcome, user = accounts.authenticate(pg, "hos", "twelve chars at least")
    assert outcome == "ok" and user == accounts.User("hos", "head_of_service", "hos", None, None, "NOR")
    for action in ("view_child", "denied"):
        audit.record(pg, action, username="hos", role="head_of_service", target="child 42")
    found = audit.search(pg, text="CHILD 42")
    assert found["action"].to_list() == ["denied", "view_child"]
    assert found["entry_id"][0] > found["entry_id"][1]
