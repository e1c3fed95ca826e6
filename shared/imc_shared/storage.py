"""Content-addressed file storage for uploaded and generated documents.

A file is written under its SHA-256 before the transaction that refers to it commits;
a failed transaction leaves at most an unreferenced file, never a record without one.
"""

import hashlib
import os
from pathlib import Path


class FileStore:
    """Stores bytes under their hash in one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def put(self, content: bytes) -> tuple[str, str]:
        """Store ``content``; return its storage key and SHA-256."""
        digest = hashlib.sha256(content).hexdigest()
        key = f"{digest[:2]}/{digest}"
        path = self.root / key
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(content)
            os.replace(partial, path)
        return key, digest

    def get(self, key: str) -> bytes:
        """Read a stored file."""
        return (self.root / key).read_bytes()
