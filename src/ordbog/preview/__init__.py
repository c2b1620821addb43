"""The live preview behind `ordbog serve`: incremental rebuilds, atomic per-file writes, the server.

incremental (what to rebuild) → relink (which articles' links can change) → output (write the
delta) ← session (state, errors) ← watch (watchfiles) ; server + pages + search_api (HTTP).
"""
