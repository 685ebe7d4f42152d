"""Peers of our connexion services for the HTTP benchmark (bench/http): the same routes on
FastAPI (`fastapi_app`) and on bare Starlette (`starlette_app`), over the project's own
services. See `common.py` for what is shared and what is each stack's own."""
