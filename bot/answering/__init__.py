"""Passages to an `Answer`: extractive composition, citations, warnings, optional LLM prose."""
