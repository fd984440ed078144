#!/usr/bin/env bash
# The replica test and deploy/replicas.py put Debian's nginx in front of the app's replicas.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  exit 0
fi
echo "Installing Debian's nginx for the replica test..."
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nginx >/dev/null
# Debian's package may start a system nginx on port 80; the project runs its own, on loopback, from deploy/.
( command -v service >/dev/null 2>&1 && $SUDO service nginx stop >/dev/null 2>&1 ) || true
test -x /usr/sbin/nginx
