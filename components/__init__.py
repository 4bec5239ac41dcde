"""Streamlit pages and render functions of the Frontline dashboard (see app.py)."""
