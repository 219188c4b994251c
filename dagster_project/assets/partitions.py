"""The `documents` dynamic partitions: one partition per document, keyed by its document id (sha256).

Extraction is partitioned by them (a run extracts the documents of its partition range) and so is the
per-document report. The raw-folder sensor and `budgetwh build` add partitions for new files.

The key stays the document id, not a file name: a document is its bytes (the same file under two names is
one document, a renamed file keeps its events, a replaced file is a new document), and the id is what the
event store, dbt and the reports join on. The file names are shown beside it: each `document_report`
partition carries `file_name` metadata, the runs the sensors request carry the FILE_NAME_TAG / FILES_TAG
tags (the run list and a run's page show them), and `extracted_documents` lists file, status and tables of
the partitions a run read.
"""

from dagster import DynamicPartitionsDefinition

documents_partitions = DynamicPartitionsDefinition(name="documents")

# A run over several partitions: Dagster's partition-range tags (what a single-run backfill sets).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
FILE_NAME_TAG = "budgetwh/file_name"  # a run over one document
FILES_TAG = "budgetwh/files"  # a run over a range: its file names, shortened
FILES_TAG_MAX = 200


def files_tag(file_names: list[str]) -> str:
    """The file names of a run's documents as one tag value of at most FILES_TAG_MAX characters."""
    shown: list[str] = []
    for name in file_names:
        rest = len(file_names) - len(shown) - 1
        if len(", ".join([*shown, name])) + (len(f" (+{rest} more)") if rest else 0) > FILES_TAG_MAX:
            break
        shown.append(name)
    hidden = len(file_names) - len(shown)
    return ", ".join(shown) + (f" (+{hidden} more)" if hidden else "")


def partition_range_tags(keys: list[str]) -> dict[str, str]:
    """Tags of a run over keys, which must be contiguous in the partitions' order (newly added ones are)."""
    return {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]}
