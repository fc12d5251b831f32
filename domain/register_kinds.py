"""The registers Pulse writes and reads, and their file formats (no imports: the CLI lists them in --help)."""

from __future__ import annotations

from enum import StrEnum


class RegisterKind(StrEnum):
    PROGRAMS = "programs"
    RISKS = "risks"
    ACTIONS = "actions"
    DECISIONS = "decisions"
    KPIS = "kpis"


class ImportKind(StrEnum):
    """The registers an import brings in (programs are created with /program new)."""

    RISKS = "risks"
    ACTIONS = "actions"
    DECISIONS = "decisions"
    KPIS = "kpis"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"
