"""`basis sync`: official sources (eCFR, Federal Register, Congress.gov) in, changes detected.

One client per API fetches what `knowledge/sources.yaml` tracks; converters turn each answer into
a Markdown document with front matter (checked by the corpus schema, so it is indexed like any
other); a small state file beside the synced copies records each one's version id and content
hash, which decide "changed". A source that fails writes nothing; the others still sync.
"""
