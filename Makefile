# Shortcuts; each target sets up what it needs.
.PHONY: demo test bench bench-control bench-cluster bench-run bench-nemesis bench-report bench-transactions bench-shrink bench-adapter bench-porcupine bench-disk-layer bench-triggers

demo:
	./scripts/demo.sh

test:
	./scripts/test.sh

# Release-mode figures of the history readers and the checker.
bench:
	./scripts/setup.sh
	swift run -c release faultline-bench --testdata $${FAULTLINE_TESTDATA:-../shared/testdata}

# Release-mode figure of counterexample shrinking: the etcd logs with and without it.
bench-shrink:
	./scripts/setup.sh
	swift run -c release faultline-bench --shrink --testdata $${FAULTLINE_TESTDATA:-../shared/testdata}

# Release-mode figures of the SSH control plane and the lab (root, network namespaces).
bench-control:
	./scripts/setup.sh
	./scripts/bench-control.sh

# Release-mode figures of the etcd life cycle on a 5-host lab (root, network namespaces, etcd).
bench-cluster:
	./scripts/setup.sh
	./scripts/bench-cluster.sh

# Release-mode figures of the run harness and of runs against etcd (root, namespaces, etcd).
bench-run:
	./scripts/setup.sh
	./scripts/bench-run.sh

# Release-mode figures of fault injection and healing on a 5-host lab (root, namespaces, etcd).
bench-nemesis:
	./scripts/setup.sh
	./scripts/bench-nemesis.sh

# Release-mode figures of rendering the report of a 100,000-operation run (faults, counterexample).
bench-report:
	./scripts/setup.sh
	swift run -c release faultline-report-bench 100000

# Release-mode figures of the transactional checker on a 100,000-transaction list-append history.
bench-transactions:
	./scripts/setup.sh
	swift run -c release faultline-txn-bench --transactions 100000

# Release-mode figures of the client adapter protocol: an echo adapter alone; set-up time and
# 10-client throughput of each shipped definition this machine has binaries for, and etcd through
# its definition beside the built-in client (the lab part needs root, namespaces, etcd).
bench-adapter:
	./scripts/setup.sh
	swift build -c release --product faultline-adapter-bench >/dev/null
	.build/release/faultline-adapter-bench

# Faultline's checker beside Porcupine v1.3.0 on the same histories, per group (needs Go and
# PORCUPINE_SRC, a Porcupine source tree; see scripts/bench-porcupine.sh).
bench-porcupine:
	./scripts/setup.sh
	./scripts/bench-porcupine.sh

# Release-mode figures of the disk layer: etcd ops/s and p99 with and without it, and the time from
# a power-loss invoke to its evidence on 3 members (root, namespaces, etcd, /dev/fuse).
bench-disk-layer:
	./scripts/setup.sh
	./scripts/bench-disk-layer.sh

# Release-mode figures of triggers on a 3-host etcd lab: a leader change as the status poll first
# sees it → the triggered fault in effect (median, p99), and client throughput with polling on/off.
bench-triggers:
	./scripts/setup.sh
	swift build -c release --product faultline-trigger-bench >/dev/null
	.build/release/faultline-trigger-bench
