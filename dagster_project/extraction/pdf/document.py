"""What reading a PDF gives (`ExtractedDocument`) or raises (`ExtractionError` and its kinds)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# errors


class ExtractionError(Exception):
    """The PDF cannot be read; `reason` is the short, stable text recorded in ExtractionFailed."""

    reason_prefix = "error"

    def __init__(self, reason: str | None = None):
        reason = reason or self.reason_prefix
        super().__init__(reason)
        self.reason = reason


class EmptyFileError(ExtractionError):
    reason_prefix = "empty file"


class EncryptedPDFError(ExtractionError):
    reason_prefix = "encrypted: cannot read without password"


class CorruptPDFError(ExtractionError):
    reason_prefix = "corrupt"


class NoTextLayerError(ExtractionError):
    reason_prefix = "no text layer: scanned document, OCR not supported"


@dataclass
class ExtractedDocument:
    page_count: int
    pages_text: list[str]
    tables: list[dict[str, Any]] = field(default_factory=list)
