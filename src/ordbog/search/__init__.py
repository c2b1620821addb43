"""Danish-aware search: analysis (`analyzer`, `query`), index (`index`), ranking (`engine`),
answer passages (`ask`) and the JSON API (`api`)."""
