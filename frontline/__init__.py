"""Frontline: violent incidents and diplomatic events extracted from war reporting.

The core library (readers, extraction, fusion, store, ingest, exports; docs/ARCHITECTURE.md); it
never imports ``streamlit``. ``python -m frontline`` is the command line.
"""
__version__ = "0.1.0"
