import RemoteCore

/// The POSIX `sh` scripts through which `RemoteDaemon` controls a daemon on a host. Each starts
/// with the same small functions:
///
/// - `ourpid` prints the pid recorded in the pid file, but only while that process is alive and its
///   `/proc/PID/cmdline` starts with the binary and holds the marker argument. Hosts may share one
///   pid space (the lab's namespaces do) and pids wrap within minutes, so a recorded pid alone
///   never justifies a signal. (A zombie's cmdline is empty: a dead daemon is never "ours".)
/// - `state PID` prints the state letter of `/proc/PID/stat` (`R`, `S`, `T`, `Z`, …) or `gone`
///   (`st PID` sets `$st` to it). `kill -0` is true for zombies, which PID 1 reaps up to seconds
///   late; the state letter is not. Files are read with the `read` builtin, not `cat`: a pause is
///   on a triggered fault's path, where each process started on a loaded host costs milliseconds.
/// - `waitfor TICKS CMD…` retries `CMD` at once up to 100 times (a signal takes effect within
///   moments: a pause is seen without a 20 ms sleep), then every 20 ms, at most `TICKS` times.
/// - `excerpt FILE N` prints a short file whole, a long one's first 5 and last `N` lines.
enum DaemonScripts {
    /// Ticks of `waitfor` in `duration` (at least one).
    static func ticks(_ duration: Duration) -> Int {
        max(1, Int(duration / .milliseconds(20)))
    }

    static func prelude(_ daemon: RemoteDaemon) -> String {
        """
        pidfile=\(q(daemon.pidFile)); bin=\(q(daemon.binary)); marker=\(q(daemon.marker))
        ourpid() {
          p=; { read -r p || [ -n "$p" ]; } 2>/dev/null <"$pidfile" || return 1
          case $p in ''|*[!0-9]*) return 1;; esac
          c=$(tr '\\0' ' ' 2>/dev/null </proc/$p/cmdline) || return 1
          case "$c" in "$bin "*) ;; *) return 1;; esac
          case " $c" in *" $marker "*) echo "$p";; *) return 1;; esac
        }
        st() { st=; { read -r st || [ -n "$st" ]; } 2>/dev/null </proc/$1/stat || { st=gone; return 0; }; st=${st##*) }; st=${st%% *}; }
        state() { st $1; echo "$st"; }
        gone() { st $1; case $st in gone|Z|X) return 0;; esac; return 1; }
        stopped() { st $1; [ "$st" = T ]; }
        resumed() { ! stopped $1; }
        waitfor() { n=$1; shift; i=0; while ! "$@"; do i=$((i+1)); [ $i -le 100 ] && continue; [ $n -le 0 ] && return 1; sleep 0.02; n=$((n-1)); done; }
        excerpt() { [ -r "$1" ] || return 0; if [ $(wc -l <"$1") -le $(($2 + 5)) ]; then cat "$1"; else head -n 5 "$1"; echo "[…]"; tail -n $2 "$1"; fi; }

        """
    }

    /// Starts `binary arguments…` detached from the calling session unless our daemon runs
    /// already: own session (`setsid`), every standard stream redirected (stdout and stderr append
    /// to the log), the pid written by the shell that then execs the binary, so the pid file names
    /// the daemon itself. Waits until the pid file names a live process of ours; prints its pid.
    /// Fails, with the tail of the log, when the daemon exits at once or does not appear in `wait`.
    static func start(_ daemon: RemoteDaemon, arguments: [String], freshLog: Bool, wait: Duration) -> String {
        let directories = Set([parent(daemon.pidFile), parent(daemon.logFile)] + daemon.directories).sorted()
        return prelude(daemon) + """
        if p=$(ourpid); then echo "$p"; exit 0; fi
        mkdir -p \(ShellQuote.join(directories)) || exit 1
        \(freshLog ? ": > \(q(daemon.logFile))" : ":")
        rm -f "$pidfile"
        \(environment(daemon))
        setsid env "$@" sh -c 'echo $$ > "$0"; exec "$@"' "$pidfile" "$bin" \(ShellQuote.join(arguments)) </dev/null >>\(q(daemon.logFile)) 2>&1 &
        n=\(ticks(wait))
        until p=$(ourpid); do
          q=$(cat "$pidfile" 2>/dev/null)
          if [ -n "$q" ] && gone "$q"; then
            echo "exited at once; \(daemon.logFile):" >&2; excerpt \(q(daemon.logFile)) 20 >&2; exit 1
          fi
          [ $n -le 0 ] && { echo "no running process after \(wait) (pid file: ${q:-none})" >&2; exit 1; }
          sleep 0.02; n=$((n-1))
        done
        # A binary that fails at once (a missing file, a bad flag) may still be seen running for
        # an instant: look again a moment later before calling it started.
        sleep 0.1
        if gone "$p"; then echo "exited at once; \(daemon.logFile):" >&2; excerpt \(q(daemon.logFile)) 20 >&2; exit 1; fi
        echo "$p"
        """
    }

    /// Sets the positional parameters to the daemon's `NAME=value` environment words (for `env`),
    /// leaving out an `LD_PRELOAD` whose library cannot be read.
    private static func environment(_ daemon: RemoteDaemon) -> String {
        var lines = ["set --"]
        for (name, value) in daemon.environment.sorted(by: { $0.key < $1.key }) {
            let word = q("\(name)=\(value)")
            lines.append(name == "LD_PRELOAD" ? "[ -r \(q(value)) ] && set -- \"$@\" \(word)" : "set -- \"$@\" \(word)")
        }
        return lines.joined(separator: "\n")
    }

    /// Stops our daemon if it runs — SIGCONT first (a stopped process would not act on SIGTERM),
    /// SIGTERM, up to `grace` for it to exit, then SIGKILL — and waits until it is gone; then
    /// removes `paths` and the pid file. Succeeds when nothing runs.
    static func stop(_ daemon: RemoteDaemon, grace: Duration, removing paths: [String]) -> String {
        prelude(daemon) + """
        if p=$(ourpid); then
          kill -CONT $p 2>/dev/null; kill -TERM $p 2>/dev/null
          if ! waitfor \(ticks(grace)) gone $p; then
            kill -KILL $p 2>/dev/null
            waitfor \(ticks(.seconds(10))) gone $p || { echo "pid $p is still there 10 s after SIGKILL" >&2; exit 1; }
          fi
          echo "stopped $p"
        fi
        rm -rf -- \(ShellQuote.join(paths)) "$pidfile"
        """
    }

    /// SIGKILL to our daemon, then waits until it is gone (absent or a zombie). Succeeds when
    /// nothing runs.
    static func kill(_ daemon: RemoteDaemon) -> String {
        signal(daemon, "KILL", until: "gone", within: .seconds(10), whenNotRunning: 0, done: "killed")
    }

    /// SIGSTOP to our daemon, then waits until its state is `T`. Fails (exit 3) when nothing runs.
    static func pause(_ daemon: RemoteDaemon) -> String {
        signal(daemon, "STOP", until: "stopped", within: .seconds(5), whenNotRunning: 3, done: "paused")
    }

    /// SIGCONT to our daemon, then waits until its state is no longer `T`. Succeeds when nothing
    /// runs (there is nothing left paused).
    static func resume(_ daemon: RemoteDaemon) -> String {
        signal(daemon, "CONT", until: "resumed", within: .seconds(5), whenNotRunning: 0, done: "resumed")
    }

    /// Sends SIG`name` to our daemon and waits up to `within` until the prelude's test
    /// `condition PID` holds; prints `done PID`. When nothing runs, exits with `whenNotRunning`.
    private static func signal(_ daemon: RemoteDaemon, _ name: String, until condition: String, within: Duration,
                               whenNotRunning: Int, done: String) -> String {
        prelude(daemon) + """
        p=$(ourpid) || { echo "not running" >&2; exit \(whenNotRunning); }
        kill -\(name) $p
        waitfor \(ticks(within)) \(condition) $p || { echo "pid $p is in state $(state $p), not \(condition), \(within) after SIG\(name)" >&2; exit 1; }
        echo "\(done) $p"
        """
    }

    /// Prints `running PID STATE` or `not-running`.
    static func status(_ daemon: RemoteDaemon) -> String {
        prelude(daemon) + """
        if p=$(ourpid); then echo "running $p $(state $p)"; else echo not-running; fi
        """
    }

    /// Prints the log when it is short, otherwise its first 5 lines (where a program that refuses
    /// its arguments says why) and its last `lines` lines; nothing when there is no log.
    static func logExcerpt(_ daemon: RemoteDaemon, lines: Int) -> String {
        prelude(daemon) + "excerpt \(q(daemon.logFile)) \(lines)"
    }

    private static func q(_ word: String) -> String { ShellQuote.quote(word) }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
