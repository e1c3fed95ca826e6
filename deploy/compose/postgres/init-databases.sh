#!/usr/bin/env bash
# Creates one database and one login role per IMC service: each role owns its own
# database, and no other role may connect to it ("no service reads another service's
# database").
#
# The postgres image runs this once, when its data volume is empty (it is mounted into
# /docker-entrypoint-initdb.d/). It reads:
#   IMC_DATABASES              space-separated service names, e.g. "registry applications"
#   <NAME>_DB_PASSWORD         the password of each, e.g. REGISTRY_DB_PASSWORD
#   POSTGRES_USER, POSTGRES_DB the superuser and its database (set by the image)
# Later password changes are not picked up: use ALTER ROLE (see deploy/compose/README.md).

# A subshell, so that nothing leaks into the image's entrypoint if it sources this file.
imc_init_databases() (
    set -euo pipefail
    if [[ -z "${IMC_DATABASES:-}" ]]; then
        echo "init-databases: IMC_DATABASES is empty, nothing to create" >&2
        exit 1
    fi
    for name in ${IMC_DATABASES}; do
        if [[ ! "$name" =~ ^[a-z][a-z0-9_]*$ ]]; then
            echo "init-databases: bad service name '$name' in IMC_DATABASES" >&2
            exit 1
        fi
        variable="${name^^}_DB_PASSWORD"
        password="${!variable:-}"
        if [[ -z "$password" ]]; then
            echo "init-databases: $variable is not set" >&2
            exit 1
        fi
        echo "init-databases: role and database '$name'"
        # psql variables quote the values: :"name" as an identifier, :'password' as a
        # literal.
        psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" \
            --dbname "${POSTGRES_DB:-postgres}" \
            -v name="$name" -v password="$password" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name" ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
    done
)

imc_init_databases
