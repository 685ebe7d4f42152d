def test_create_then_get(orchestrator):
    created = orchestrator.post("/api/v1/tasks", json={"goal": "Write a haiku"})
    assert created.status_code == 202
    task = orchestrator.get(created.headers["location"]).json()
    assert task["goal"] == "Write a haiku"


def test_check(reflex):
    assert reflex.post("/api/v1/check", json={"text": "hello"}).json()["decision"] == "allow"
