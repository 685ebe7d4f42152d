"""Thin handlers: each operationId of specs/*.yaml maps to one function here.

A handler takes its service (bound at start-up) and the operation's parameters by name, calls
one service method, and returns `(body, status[, headers])`. No rules live here: the spec
validates, the service decides.
"""
