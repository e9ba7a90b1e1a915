#!/usr/bin/env bash
# Measures startup to first frame and idle CPU of socklab's TUI and of a bare
# Bubble Tea v2 program (testdata/baretea), in the same run, in a real
# pseudo-terminal (120x40). Usage: bash docs/measure-tui.sh [RUNS] [IDLE_SECONDS]
#
# First frame: time from exec to the first output that contains the
# program's marker text (socklab: "socklab", baretea: "bare tea ready").
# Idle CPU: utime+stime from /proc/PID/stat over IDLE_SECONDS with no input,
# as a percentage of one core.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
idle=${2:-10}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
go build -o "$out/socklab" .
go build -o "$out/baretea" ./testdata/baretea
python3 - "$out" "$runs" "$idle" <<'PY'
import os, pty, sys, time, select, signal, statistics, struct, fcntl, termios

out, runs, idle = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
tick = os.sysconf("SC_CLK_TCK")

def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / tick  # utime + stime

def run(argv, marker, measure_idle):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    t0 = time.monotonic()
    buf, first = b"", None
    while first is None and time.monotonic() - t0 < 10:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            buf += data
            if marker in buf:
                first = time.monotonic() - t0
    usage = None
    if measure_idle and first is not None:
        time.sleep(1)  # let start-up work settle
        c0, w0 = cpu(pid), time.monotonic()
        end = w0 + idle
        while time.monotonic() < end:  # keep draining the pty
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try: os.read(fd, 65536)
                except OSError: break
        usage = 100 * (cpu(pid) - c0) / (time.monotonic() - w0)
    os.kill(pid, signal.SIGTERM)
    try: os.waitpid(pid, 0)
    except ChildProcessError: pass
    os.close(fd)
    return first, usage

for name, argv, marker in [("bare Bubble Tea v2", [f"{out}/baretea"], b"bare tea ready"),
                           ("socklab TUI", [f"{out}/socklab"], b"socklab")]:
    firsts = []
    for i in range(runs):
        f, _ = run(argv, marker, False)
        if f is not None: firsts.append(f * 1000)
    _, usage = run(argv, marker, True)
    med = f"{statistics.median(firsts):.0f} ms" if firsts else "no frame seen"
    rng = f"{min(firsts):.0f}-{max(firsts):.0f} ms" if firsts else ""
    use = f"{usage:.1f} % of a core" if usage is not None else "n/a"
    print(f"{name:20s} first frame: median {med} ({rng}, {len(firsts)}/{runs} runs)   idle CPU over {idle:.0f} s: {use}")
PY
