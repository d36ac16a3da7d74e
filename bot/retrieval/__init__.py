"""Questions to ranked passages: hybrid search, fusion and query expansion."""
