"""The HTTP API's routes, one module per area; `app.py` includes every group into the one router.

A route declares everything about itself — authentication, permission, query, body, response, the error codes
it may answer — and its handler only calls one service function: scope checks, rules and writes live in
`chamcong.services`, never here (a test reads these modules to hold that).
"""
