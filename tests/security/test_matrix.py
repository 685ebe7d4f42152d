"""Every operation of the Orchestrator and the Reflex Layer x every role (and no token).

The cells come from the specs: each operation's declared scopes and the role table
(`x-roles` of the `JwtBearer` scheme); a change to either changes the expectations.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from octollm.config import Settings
from octollm.http.app import HTTP_METHODS, load_yaml
from octollm.http.auth import SCHEME, roles_from_spec
from octollm.orchestrator.app import create_app as create_orchestrator
from octollm.reflex.app import create_app as create_reflex
from tests.conftest import SPECS, SpecClient, spec_client
from tests.http._support import TASK_UUID, assert_envelope
from tests.security.conftest import SECRET, bearer, hs_token

SERVICES = ("orchestrator", "reflex")
ROLES = roles_from_spec(SPECS)
CALLERS = [None, *sorted(ROLES)]  # None: no token at all


@dataclass(frozen=True)
class Operation:
    service: str
    operation_id: str
    method: str
    path: str
    scopes: tuple[str, ...] | None  # None: open (`security: []`)
    body: Any

    def url(self) -> str:
        spec = load_yaml(SPECS / f"{self.service}.yaml")
        item = spec["paths"][self.path]
        url = self.path
        for param in [*item.get("parameters", []), *item[self.method].get("parameters", [])]:
            if "$ref" in param or param["in"] != "path":
                continue
            url = url.replace(f"{{{param['name']}}}", str(param.get("example", "k1")))
        return "/api/v1" + url.replace("{task_id}", TASK_UUID).replace("{key}", "k1")


def _body(operation: dict[str, Any]) -> Any:
    media = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        return None
    if "example" in media:
        return media["example"]
    return next(iter(media["examples"].values()))["value"]


def _scopes(operation: dict[str, Any], spec: dict[str, Any]) -> tuple[str, ...] | None:
    security = operation.get("security", spec.get("security"))
    assert security is not None, f"{operation['operationId']} declares no security"
    if not any(security):
        return None
    (requirement,) = security
    return tuple(requirement["jwt"])


def spec_operations() -> list[Operation]:
    found = []
    for service in SERVICES:
        spec = load_yaml(SPECS / f"{service}.yaml")
        for path, item in spec["paths"].items():
            for method in sorted(HTTP_METHODS & set(item)):
                op = item[method]
                found.append(
                    Operation(
                        service, op["operationId"], method, path, _scopes(op, spec), _body(op)
                    )
                )
    return found


OPERATIONS = spec_operations()


@pytest.fixture(scope="module")
def clients(
    tmp_path_factory: pytest.TempPathFactory, reflex_url: str
) -> Iterator[dict[str, SpecClient]]:
    """One client per service, auth on with the HS256 test secret, for the whole matrix."""
    with contextlib.ExitStack() as stack:
        built = {}
        for service in SERVICES:
            settings = Settings.from_env(
                {},
                data_dir=tmp_path_factory.mktemp(f"matrix-{service}"),
                validate_responses=True,
                reflex_url=reflex_url,
                auth="jwt",
                jwt_secret=SECRET,
            )
            create = create_reflex if service == "reflex" else create_orchestrator
            built[service] = stack.enter_context(spec_client(create(settings), service))
        yield built


def test_the_matrix_covers_every_operation() -> None:
    ids = {(op.service, op.operation_id) for op in OPERATIONS}
    assert len(ids) == len(OPERATIONS) >= 13
    assert {op.operation_id for op in OPERATIONS if op.scopes is None} == {"system.health"}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "no-token")
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda op: f"{op.service}:{op.operation_id}")
def test_cell(op: Operation, caller: str | None, clients: dict[str, SpecClient]) -> None:
    headers = bearer(hs_token(roles=[caller])) if caller else {}
    response = clients[op.service].request(op.method, op.url(), json=op.body, headers=headers)
    if op.scopes is None:
        assert response.status_code not in (401, 403), response.text
        return
    if caller is None:
        assert_envelope(response, 401, "UNAUTHORIZED", field="Authorization")
        assert response.headers["www-authenticate"].startswith("Bearer ")
        return
    if set(op.scopes) <= ROLES[caller]:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
        return
    error = assert_envelope(response, 403, "FORBIDDEN", field="Authorization", constraint="scope")
    assert error["details"]["required_scopes"] == sorted(op.scopes)
    assert 'error="insufficient_scope"' in response.headers["www-authenticate"]


def test_the_role_table_is_the_issues() -> None:
    """viewer reads; operator reads and writes; admin everything the scheme declares."""
    common = load_yaml(SPECS / "common.yaml")["components"]["securitySchemes"][SCHEME]
    every = set(common["flows"]["clientCredentials"]["scopes"])
    reads = {"tasks:read", "cache:read", "stats:read", "metrics:read"}
    assert ROLES["viewer"] == reads
    assert ROLES["operator"] == reads | {"tasks:write", "cache:write", "reflex:check"}
    assert ROLES["admin"] == every
    used = {s for op in OPERATIONS for s in op.scopes or ()}
    assert used == every, "every declared scope guards some operation"
