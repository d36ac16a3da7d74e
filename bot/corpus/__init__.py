"""Documents in: metadata schema, loaders, the knowledge directory and URL import."""
