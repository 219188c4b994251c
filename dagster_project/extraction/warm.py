"""Imported for its effect: loads once what every document's extraction needs — the PDF readers and cpca's
division table and matcher (0.7 s on the development machine with the other extraction modules already
imported, 1.4 s in a fresh interpreter) — so that processes forked afterwards start with them: the local pool
(ingest.extract_documents) imports it before it forks, a Dask worker's forkserver on start
(dagster_project/extraction_dask.py)."""

from . import pdf  # noqa: F401 - pdfplumber, pdfminer and pypdfium2
from .metadata import load_region_matcher

load_region_matcher()
