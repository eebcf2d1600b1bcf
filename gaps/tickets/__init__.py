"""Reading ticket exports: formats, encodings, cleaning and masking."""
