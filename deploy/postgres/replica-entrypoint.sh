#!/bin/sh
# The postgres-replica service: on an empty volume, a base backup of the primary (`pg_basebackup -R` also writes
# standby.signal and primary_conninfo), then a hot standby that streams the primary's WAL and answers reads.
set -eu
if [ ! -s "${PGDATA}/PG_VERSION" ]; then
  pg_basebackup -h postgres -U "${PGUSER}" -D "${PGDATA}" -R -X stream -P
  chmod 0700 "${PGDATA}"
fi
exec postgres -c hot_standby=on
