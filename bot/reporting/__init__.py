"""The coverage and feedback report: what was asked and not answered, 👎, citations, staleness."""
