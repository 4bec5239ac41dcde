"""Fusion: reports of one event across articles fused into one event, with a grade of corroboration.
``clusters`` holds the pure fusion of an incidents frame; ``store_fusion`` runs it over the store."""
