#!/usr/bin/env bash
# Installs what Faultline's build, tests and demo need on a fresh Debian machine (run as root).
# Safe to run again: it only installs what is missing.
set -euo pipefail

# make: build helpers. libssh2-1-dev, pkg-config: the CLibSSH2 target. openssh-server,
# openssh-client, iproute2, util-linux, hostname, procps: the local lab (sshd per network
# namespace, ssh-keygen, ip, unshare). iptables: partitions. etcd-server, etcd-client: the cluster
# under test (/usr/bin/etcd, etcdctl). curl: Faultline asks each etcd member (and raftkv server)
# for its status with it. libfaketime, faketime: clock faults on raftkv servers (a faked clock).
# chromium: the report tests open the HTML reports in headless Chromium (screenshots, script errors).
# libsqlite3-dev: GRDB's SQLite (the nightly run index). git, coreutils: the build's embedded
# commit (scripts/build-info.sh) and `sha256sum` of database binaries on the hosts.
# go-dqlite: dqlite-demo and the dqlite shell, the dqlite cluster the definitions suite tests.
# nats-server: NATS 2.9.10 (/usr/sbin/nats-server), one of the two JetStream versions databases/nats-2.9.yml runs.
# python3, python3-venv: the client adapters in adapters/ (their PyPI packages go into .venv/). fuse3, libfuse3-dev: FUSE mounts for disk faults.
# zookeeper: Debian's ZooKeeper 3.8.0 (its jars in /usr/share/java, run with the JDK it pulls in), the
# ensemble databases/zookeeper.yml starts per lab node; its own system service is not used.
packages=(make pkg-config libssh2-1-dev openssh-server openssh-client iproute2 iptables util-linux hostname procps
          etcd-server etcd-client curl libfaketime faketime chromium libsqlite3-dev git coreutils
          go-dqlite nats-server python3 python3-venv fuse3 libfuse3-dev zookeeper)

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

# etcd-server's own service (user etcd, data in /var/lib/etcd/default, 127.0.0.1:2379) may have
# been started by the package's postinst or at boot where services start. Faultline runs its own
# members; stop that instance, and only it: processes of the system user etcd running
# /usr/bin/etcd. (Faultline's members run as the login user, with arguments, on lab addresses.)
stop_package_etcd() {
  if command -v systemctl >/dev/null && systemctl is-active --quiet etcd 2>/dev/null; then
    echo "setup: stopping the etcd service of the etcd-server package"
    systemctl stop etcd
  fi
  id -u etcd >/dev/null 2>&1 || return 0
  local uid dir pid
  uid=$(id -u etcd)
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [ "$(stat -c %u "$dir" 2>/dev/null)" = "$uid" ] || continue
    [ "$(tr '\0' '\n' 2>/dev/null <"$dir/cmdline" | head -n 1)" = /usr/bin/etcd ] || continue
    echo "setup: stopping the etcd-server package's default etcd (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || continue
    for _ in $(seq 100); do [ -d "$dir" ] || break; sleep 0.1; done
  done
}
stop_package_etcd

command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected the Swift 6 toolchain)"; exit 1; }

# The adapters' Python packages (adapters/requirements.txt, pinned) go into the project's own
# virtual environment, .venv/ at the project's root, built on Debian's /usr/bin/python3; the
# definitions name its interpreter as ../.venv/bin/python. Reinstalled only when the list changed.
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -s "$root/adapters/requirements.txt" ]; then
  [ -x "$root/.venv/bin/python" ] || /usr/bin/python3 -m venv "$root/.venv"
  if ! cmp -s "$root/adapters/requirements.txt" "$root/.venv/requirements.installed"; then
    echo "setup: installing the adapters' Python packages into .venv"
    "$root/.venv/bin/pip" install -q --disable-pip-version-check -r "$root/adapters/requirements.txt"
    cp "$root/adapters/requirements.txt" "$root/.venv/requirements.installed"
  fi
fi
