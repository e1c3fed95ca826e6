"""The demo accounts of each portal, loaded with the portal's own command-line tool."""

import json
from typing import Any

from imc_local import demo, flow
from imc_local.processes import ServiceCommandError
from imc_local.stack import Stack

ACCOUNTS_CLI = "imc_portal.accounts"


def load_accounts(
    stack: Stack, data: dict[str, Any], registered: dict[str, flow.Registered]
) -> dict[str, bool]:
    """Load each instance's demo accounts into its portal with the portal's own CLI
    (``python -m imc_portal.accounts load <file>``, run with the portal's environment);
    whether each instance's load succeeded. A failure is reported and the demo runs on:
    the public pages need no account."""
    loaded = {}
    for instance in demo.instances(data):
        code = instance["code"]
        ids = registered[code]
        records = demo.accounts(instance, ids.organisations, ids.people, demo.password(data))
        path = stack.base_dir / "accounts" / f"{code}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(records, ensure_ascii=False, indent=2), encoding="utf-8")
        try:
            stack.service(code, "portal").run_command(ACCOUNTS_CLI, "load", str(path))
        except ServiceCommandError as error:
            print(f"Учётные записи портала {code} не загружены: {error}", flush=True)
            loaded[code] = False
        else:
            loaded[code] = True
    return loaded
