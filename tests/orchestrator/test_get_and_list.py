"""GET /tasks/{id} and GET /tasks: lookup, pagination, sorting, filtering, parameter errors."""

from __future__ import annotations

import uuid

import pytest

from tests.orchestrator.helpers import (
    TASKS,
    app_client,
    create_task,
    error_of,
    force_status,
    list_tasks,
    shared_settings,
    validation_error,
)

PRIORITY_ORDER = ["low", "medium", "high", "critical"]
STATUS_ORDER = ["pending", "processing", "completed", "failed", "cancelled"]


@pytest.fixture
def settings(make_settings, reflex_url):
    return make_settings(reflex_url=reflex_url)


@pytest.fixture
def clocked(settings, clock):
    """An orchestrator on the fake clock: tasks get the creation time the test chooses."""
    with app_client(settings, clock) as client:
        yield client


@pytest.fixture(scope="module")
def rejecting(tmp_path_factory, reflex_url):
    """One orchestrator for the many rejected list requests."""
    with app_client(shared_settings(tmp_path_factory.mktemp("list"), reflex_url)) as client:
        yield client


def ids(page: dict) -> list[str]:
    return [task["task_id"] for task in page["data"]]


def create_spaced(client, clock, count: int, **fields) -> list[str]:
    """Creates `count` tasks one second apart; returns their ids in creation order."""
    created = []
    for i in range(count):
        created.append(create_task(client, f"Task number {i}", **fields)["task_id"])
        clock.advance(1)
    return created


# --- one task ---------------------------------------------------------------------------------


def test_get_returns_the_stored_task(orchestrator):
    task = create_task(orchestrator, priority="critical", metadata={"k": [1, {"v": None}]})

    response = orchestrator.get(f"{TASKS}/{task['task_id']}")

    assert response.status_code == 200
    assert response.json() == task


def test_get_unknown_task_is_not_found(orchestrator):
    create_task(orchestrator)
    unknown = str(uuid.uuid4())

    error = error_of(orchestrator.get(f"{TASKS}/{unknown}"), 404, "NOT_FOUND")

    assert unknown in error["message"]


@pytest.mark.parametrize("bad", ["not-a-uuid", "123", "3f1e4c1a-7d7e-4b8e-9a53-0c1f2b8d9e1"])
def test_get_with_a_malformed_id_is_a_validation_error(rejecting, bad):
    error = validation_error(rejecting.get(f"{TASKS}/{bad}"), "task_id", "format")

    assert error["message"].startswith("task_id: ")


# --- pagination -------------------------------------------------------------------------------


def test_pagination_maths(clocked, clock):
    created = create_spaced(clocked, clock, 7)
    newest_first = created[::-1]

    pages = [list_tasks(clocked, page=n, page_size=3) for n in (1, 2, 3, 4)]

    for number, page in enumerate(pages, start=1):
        assert page["pagination"] == {
            "page": number,
            "page_size": 3,
            "total_pages": 3,
            "total_items": 7,
        }
    assert [ids(p) for p in pages] == [newest_first[0:3], newest_first[3:6], newest_first[6:], []]


def test_list_defaults_to_page_one_of_fifty_newest_first(clocked, clock):
    created = create_spaced(clocked, clock, 3)

    page = list_tasks(clocked)

    assert set(page) == {"data", "pagination"}
    assert page["pagination"] == {"page": 1, "page_size": 50, "total_pages": 1, "total_items": 3}
    assert ids(page) == created[::-1]


@pytest.mark.parametrize("page", [4, 10**6, 10**17, 10**19, 2**64])
def test_a_page_far_past_the_end_is_empty_with_correct_totals(orchestrator, page):
    for _ in range(3):
        create_task(orchestrator)

    response = orchestrator.get(TASKS, params={"page": page, "page_size": 100})

    assert response.status_code == 200, response.text
    assert response.json() == {
        "data": [],
        "pagination": {"page": page, "page_size": 100, "total_pages": 1, "total_items": 3},
    }


def test_empty_store_lists_nothing(orchestrator):
    page = list_tasks(orchestrator)

    assert page == {
        "data": [],
        "pagination": {"page": 1, "page_size": 50, "total_pages": 0, "total_items": 0},
    }


def test_listed_tasks_are_the_full_task_bodies(orchestrator):
    task = create_task(orchestrator, context="ctx", acceptance_criteria=["a"])

    assert list_tasks(orchestrator)["data"] == [task]


@pytest.mark.parametrize(
    ("params", "field", "constraint"),
    [
        ({"page_size": 0}, "page_size", "minimum"),
        ({"page_size": 101}, "page_size", "maximum"),
        ({"page_size": "ten"}, "page_size", "type"),
        ({"page": 0}, "page", "minimum"),
        ({"page": -1}, "page", "minimum"),
        ({"page": "1.5"}, "page", "type"),
        # written otherwise than in ASCII digits: Python's int() takes them, the API does not
        ({"page_size": "1_0"}, "page_size", "type"),
        ({"page": " 3"}, "page", "type"),
        ({"page": "3\n"}, "page", "type"),
        ({"page": "\u0663"}, "page", "type"),  # an Arabic-Indic digit three
        ({"page": "\uff13"}, "page", "type"),  # a fullwidth digit three
        ({"sort_by": "name"}, "sort_by", "enum"),
        ({"order": "up"}, "order", "enum"),
        ({"status": "done"}, "status", "enum"),
        ({"priority": "urgent"}, "priority", "enum"),
        ({"foo": "1"}, "foo", "additionalProperties"),
        ({"page": 1, "pagesize": 10}, "pagesize", "additionalProperties"),
    ],
)
def test_invalid_query_names_the_parameter(rejecting, params, field, constraint):
    error = validation_error(rejecting.get(TASKS, params=params), field, constraint)

    assert error["message"].startswith(f"{field}: ")
    assert len(error["message"]) < 300


def test_page_size_bounds_are_inclusive(orchestrator):
    create_task(orchestrator)

    assert list_tasks(orchestrator, page_size=1)["pagination"]["total_pages"] == 1
    assert list_tasks(orchestrator, page_size=100)["pagination"]["page_size"] == 100


# --- sorting ----------------------------------------------------------------------------------


def test_sort_by_created_at_both_ways(clocked, clock):
    created = create_spaced(clocked, clock, 4)

    assert ids(list_tasks(clocked, sort_by="created_at", order="asc")) == created
    assert ids(list_tasks(clocked, sort_by="created_at", order="desc")) == created[::-1]
    assert ids(list_tasks(clocked, sort_by="created_at")) == created[::-1]


def test_sort_by_updated_at_follows_the_last_change(clocked, clock):
    first, second, third = create_spaced(clocked, clock, 3)
    assert clocked.delete(f"{TASKS}/{first}").status_code == 200

    assert ids(list_tasks(clocked, sort_by="updated_at", order="asc")) == [second, third, first]


def test_sort_by_priority_ranks_low_to_critical(clocked, clock):
    by_priority = {}
    for priority in ["high", "low", "critical", "medium"]:
        by_priority[priority] = create_task(clocked, priority=priority)["task_id"]
        clock.advance(1)
    ranked = [by_priority[p] for p in PRIORITY_ORDER]

    assert ids(list_tasks(clocked, sort_by="priority", order="asc")) == ranked
    assert ids(list_tasks(clocked, sort_by="priority", order="desc")) == ranked[::-1]


def test_sort_by_status_follows_the_lifecycle(clocked, clock, settings):
    by_status = {}
    for status in ["cancelled", "failed", "pending", "completed", "processing"]:
        by_status[status] = create_task(clocked)["task_id"]
        clock.advance(1)
    assert clocked.delete(f"{TASKS}/{by_status['cancelled']}").status_code == 200
    force_status(settings, by_status["processing"], "processing")
    for final in ("completed", "failed"):
        force_status(settings, by_status[final], "processing")
        force_status(settings, by_status[final], final)
    ranked = [by_status[s] for s in STATUS_ORDER]

    asc = list_tasks(clocked, sort_by="status", order="asc")
    desc = list_tasks(clocked, sort_by="status", order="desc")

    assert [t["status"] for t in asc["data"]] == STATUS_ORDER
    assert ids(asc) == ranked
    assert ids(desc) == ranked[::-1]


@pytest.mark.parametrize("sort_by", ["created_at", "updated_at", "priority", "status"])
def test_ties_are_broken_by_task_id(clocked, sort_by):
    # The clock does not move: every task has the same created_at, priority and status.
    created = [create_task(clocked, f"Same moment {i}")["task_id"] for i in range(6)]
    by_id = sorted(created)

    asc = list_tasks(clocked, sort_by=sort_by, order="asc")
    desc = list_tasks(clocked, sort_by=sort_by, order="desc")

    assert ids(asc) == by_id
    assert ids(desc) == by_id[::-1]


def test_paging_through_ties_sees_every_task_once_in_a_stable_order(clocked, clock):
    created = [create_task(clocked, f"Tie {i}", priority="high")["task_id"] for i in range(5)]
    clock.advance(1)
    created += [create_task(clocked, f"Later {i}", priority="high")["task_id"] for i in range(3)]
    whole = ids(list_tasks(clocked, sort_by="priority", order="asc"))

    paged = []
    for page in (1, 2, 3):
        paged += ids(list_tasks(clocked, sort_by="priority", order="asc", page=page, page_size=3))

    assert paged == whole == sorted(created)
    assert ids(list_tasks(clocked, sort_by="priority", order="asc")) == whole


# --- filtering --------------------------------------------------------------------------------


def test_filter_by_priority(clocked, clock):
    high = create_spaced(clocked, clock, 3, priority="high")
    create_spaced(clocked, clock, 2, priority="low")

    page = list_tasks(clocked, priority="high", page_size=2)

    assert ids(page) == high[::-1][:2]
    assert page["pagination"] == {"page": 1, "page_size": 2, "total_pages": 2, "total_items": 3}
    assert {t["priority"] for t in page["data"]} == {"high"}
    assert list_tasks(clocked, priority="critical")["pagination"]["total_items"] == 0


def test_filter_by_status(clocked, clock):
    created = create_spaced(clocked, clock, 4)
    for task_id in created[:2]:
        assert clocked.delete(f"{TASKS}/{task_id}").status_code == 200

    cancelled = list_tasks(clocked, status="cancelled", order="asc")
    pending = list_tasks(clocked, status="pending", order="asc")

    assert ids(cancelled) == created[:2]
    assert ids(pending) == created[2:]
    assert cancelled["pagination"]["total_items"] == pending["pagination"]["total_items"] == 2
    assert list_tasks(clocked, status="failed")["data"] == []


def test_filters_combine(clocked, clock):
    low = create_spaced(clocked, clock, 2, priority="low")
    high = create_spaced(clocked, clock, 2, priority="high")
    assert clocked.delete(f"{TASKS}/{low[0]}").status_code == 200
    assert clocked.delete(f"{TASKS}/{high[1]}").status_code == 200

    page = list_tasks(clocked, status="pending", priority="high")

    assert ids(page) == [high[0]]
    assert page["pagination"]["total_items"] == 1
