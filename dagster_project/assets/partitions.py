"""The `documents` dynamic partitions: one partition per document, keyed by its document id (sha256).

Extraction is partitioned by them (a run extracts the documents of its partition range) and so is the
per-document report. The raw-folder sensor and `budgetwh build` add partitions for new files.
"""

from dagster import DynamicPartitionsDefinition

documents_partitions = DynamicPartitionsDefinition(name="documents")

# A run over several partitions: Dagster's partition-range tags (what a single-run backfill sets).
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"


def partition_range_tags(keys: list[str]) -> dict[str, str]:
    """Tags of a run over keys, which must be contiguous in the partitions' order (newly added ones are)."""
    return {RANGE_START_TAG: keys[0], RANGE_END_TAG: keys[-1]}
