"""Imported for its effect: loads once what every document's extraction needs — cpca's division table and
its matcher (0.7 s on the development machine with the other extraction modules already imported, 1.4 s in
a fresh interpreter) — so that processes forked afterwards start with it. A Dask worker's forkserver imports
this (dagster_project/extraction_dask.py), so each document's child skips that."""

from .metadata import resolve_region

resolve_region("北京市东城区")
