"""`ordbog import`: articles from spreadsheet exports (CSV)."""
