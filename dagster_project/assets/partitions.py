"""The `documents` dynamic partitions: one partition per document file, keyed by its file name and the
start of its document id, e.g. `budget-2024.pdf·3fa9c2d1e0b4` (`document_key`).

Extraction is partitioned by them (a run extracts the documents of its partition range) and so is the
per-document report. The raw-folder sensor and `budgetwh build` add a partition for each new file name
and content; the report sensor one for each document of the published warehouse, under its registered name.

The key is what a data engineer picks in the UI (the partition picker, the status bar, an asset's partition
list), so it starts with the file name. A document is still its bytes: the document id (sha256) is what
the event store, dbt and the reports join on, and every step turns a key back into one with
`document_ids_of`, never by reading the name. The same bytes under two names are two partitions but one
document (extracted once, one report); a renamed file is a new partition of a document already extracted
(its run reads nothing); a replaced file, a new document. The 12 hex digits in the key tell two
documents of one name apart (files in two folders) and find the document of a key whose file is gone or
renamed; a key that is a whole document id (the partitions of an instance from before the keys had names)
is still understood. Beside the keys, each `document_report` partition carries `file_name` metadata, the
runs the sensors request carry the FILE_NAME_TAG / FILES_TAG tags (the run list shows them), and
`extracted_documents` lists file, status and tables of the partitions a run read.
"""

import re
from collections import defaultdict
from collections.abc import Iterable

from dagster import DynamicPartitionsDefinition

from ..ingest import RawFile

documents_partitions = DynamicPartitionsDefinition(name="documents")

KEY_SEPARATOR = "·"
KEY_HASH_CHARS = 12  # of the document id; what raw_documents' metadata shows too
# what Dagster does not allow in a partition key ("..." separates a range in the UI) or cannot show
_NOT_IN_KEYS = re.compile(r"\.\.\.|[\x00-\x1f\x7f]")
_KEY_HASH = re.compile(rf".+{KEY_SEPARATOR}([0-9a-f]{{{KEY_HASH_CHARS}}})|([0-9a-f]{{64}})")


def document_key(file_name: str, document_id: str) -> str:
    """The partition key of a document under a file name: `<file name>·<first 12 hex digits of its id>`.

    "..." becomes "…" and control characters a space; without a name the key is the whole document id."""
    if not file_name:
        return document_id
    name = _NOT_IN_KEYS.sub(lambda m: "…" if m[0] == "..." else " ", file_name)
    return f"{name}{KEY_SEPARATOR}{document_id[:KEY_HASH_CHARS]}"


def partition_key(raw: RawFile) -> str:
    """The partition key of a file of the raw folder."""
    return document_key(raw.file_name, raw.document_id)


def partition_keys(files: Iterable[RawFile]) -> list[str]:
    """The distinct partition keys of the files, in folder order (two copies of a file under one name are
    one partition, under two names two)."""
    return list(dict.fromkeys(partition_key(f) for f in files))


def document_ids_of(keys: Iterable[str], documents: Iterable[tuple[str, str]]) -> dict[str, str | None]:
    """The document id each partition key stands for, among the documents given as (file name, document id)
    (the raw folder's files, the published warehouse's documents).

    A key built from one of them is its document; else a key is the one document whose id starts with its
    hex digits (the old name of a renamed file, a name registered otherwise) or whose id it is (an older
    instance's keys); else None (the document is not among them)."""
    exact: dict[str, str] = {}
    by_hash: dict[str, set[str]] = defaultdict(set)
    for name, doc in documents:
        exact.setdefault(document_key(name, doc), doc)
        by_hash[doc[:KEY_HASH_CHARS]].add(doc)

    def one(key: str) -> str | None:
        if key in exact:
            return exact[key]
        match = _KEY_HASH.fullmatch(key)
        if match is None:
            return None
        digits = match[1] or match[2]
        found = {doc for doc in by_hash.get(digits[:KEY_HASH_CHARS], ()) if doc.startswith(digits)}
        return found.pop() if len(found) == 1 else None

    return {key: one(key) for key in keys}


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
