"""Developer command: autogenerate a migration for one service.

``uv run python -m imc_shared.migrations_cli registry "add sites"``
"""

import importlib
import sys
import tempfile
from pathlib import Path

from imc_shared.db import new_revision


def main() -> None:
    """Create a new revision in ``services/<service>`` against a scratch SQLite database."""
    service, message = sys.argv[1], sys.argv[2]
    package = importlib.import_module(f"imc_{service}")
    migrations = Path(package.__file__ or "").parent / "db" / "migrations"
    with tempfile.TemporaryDirectory() as scratch:
        new_revision(f"sqlite+aiosqlite:///{scratch}/scratch.db", migrations, message)


if __name__ == "__main__":
    main()
