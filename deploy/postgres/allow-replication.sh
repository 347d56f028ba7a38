#!/bin/sh
# Run once by the postgres image when it initialises its volume (docker-entrypoint-initdb.d): lets the
# postgres-replica service stream the WAL as the application user, with its password. `all` does not cover
# replication connections in pg_hba.conf, hence a line of its own.
set -eu
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "${PGDATA}/pg_hba.conf"
