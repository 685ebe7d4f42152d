"""What an app builds lives as long as it runs: once started, it is kept from the garbage
collector (`gc.freeze`), whose full collections otherwise walked it all with every request
waiting; shut down, it can be freed again."""

from __future__ import annotations

import gc
from pathlib import Path

from starlette.testclient import TestClient

from octollm.config import Settings
from octollm.reflex.app import create_app as create_reflex


def test_a_started_app_is_frozen_and_unfrozen_at_shutdown(tmp_path: Path) -> None:
    gc.unfreeze()
    app = create_reflex(Settings.from_env({}, data_dir=tmp_path))
    assert gc.get_freeze_count() == 0

    with TestClient(app) as client:
        assert gc.get_freeze_count() > 10_000  # the app's specs, schemas, rules, ...
        assert client.get("/api/v1/health").status_code == 200

    assert gc.get_freeze_count() == 0
