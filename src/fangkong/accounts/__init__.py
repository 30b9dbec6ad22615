"""Beside the standard layout: api_auth (how the JSON API knows its caller: session or bearer token),
backends (the authentication backend: login lockout, who may work), signals (login receivers that
feed the lockout) and validators (password rules with Chinese messages)."""
