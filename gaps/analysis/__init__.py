"""Gap analysis (kb gaps): coverage, clustering, taxonomy, drafts, the report."""
