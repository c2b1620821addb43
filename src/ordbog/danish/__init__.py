"""Danish language rules: slugs, collation, dates (and, in search, stemming)."""
