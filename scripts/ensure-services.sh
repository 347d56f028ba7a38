#!/usr/bin/env bash
# Starts PostgreSQL, Redis and RabbitMQ on this machine when one of them is not answering (CI and fresh dev boxes).
set -uo pipefail

wait_for() { # name, command
  for _ in $(seq 1 60); do eval "$2" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "$1 did not come up" >&2; return 1
}

if ! pg_isready -q -h 127.0.0.1; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_for PostgreSQL 'pg_isready -q -h 127.0.0.1'
fi
if ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis 'redis-cli -h 127.0.0.1 ping'
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
  wait_for RabbitMQ '(exec 3<>/dev/tcp/127.0.0.1/5672)'
fi
