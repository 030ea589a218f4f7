"""Authorizers: Lambda authorizers of REST and HTTP APIs, JWT authorizers of HTTP APIs (spec §6.5)."""
