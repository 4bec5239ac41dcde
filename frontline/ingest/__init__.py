"""Ingest: readers' articles -> extraction in batches (here, forked workers or Dask) -> the store.
``pipeline`` drives it (batching, error policy, resume); ``batches``, ``workers`` and ``dask`` extract."""
