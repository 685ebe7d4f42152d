"""A client library for accessing OctoLLM Reflex Layer API"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
