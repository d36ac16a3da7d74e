"""Documents to a searchable index: chunking, embedding, dense and lexical stores, builds."""
