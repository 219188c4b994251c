"""Imported for its effect: loads once what every document's extraction needs — cpca's division table and
its matcher, about 1.4 s — so that processes forked afterwards start with it. A Dask worker's forkserver
imports this (dagster_project/extraction_dask.py), so each document's child skips that second and a half."""

from .metadata import resolve_region

resolve_region("北京市东城区")
