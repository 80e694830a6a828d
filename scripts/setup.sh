#!/usr/bin/env bash
# Installs what Faultline's build, tests and demo need on a fresh Debian machine (run as root).
# Safe to run again: it only installs what is missing.
set -euo pipefail

# make: build helpers. libssh2-1-dev, pkg-config: the CLibSSH2 target. openssh-server,
# openssh-client, iproute2, util-linux, hostname, procps: the local lab (sshd per network
# namespace, ssh-keygen, ip, unshare). iptables: partitions.
packages=(make pkg-config libssh2-1-dev openssh-server openssh-client iproute2 iptables util-linux hostname procps)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected the Swift 6 toolchain)"; exit 1; }
