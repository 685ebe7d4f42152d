"""Arms: HTTP services that execute tasks for the orchestrator (specs/arm.yaml).

`app.create_app` serves the contract over any `service.ArmService`; `llm.LlmArm` is the real
one, forwarding each task to an OpenAI-compatible model server.
"""
