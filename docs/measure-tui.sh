#!/usr/bin/env bash
# Measures startup to first frame and idle CPU of socklab's TUI and of a bare
# Bubble Tea v2 program (testdata/baretea), in the same run.
#
#   bash docs/measure-tui.sh [RUNS] [IDLE_SECONDS]     (defaults: 9 runs, 30 s)
#
# First frame: a pseudo-terminal whose size (120x40) is set before exec; the
# clock starts just before exec and stops at the first byte sequence that,
# after the alternate-screen switch (ESC[?1049h) and with escape sequences
# removed, contains the program's marker: baretea "bare tea ready", socklab
# the tab bar "1 Lessons" (drawn only once the window size is known: the
# title "socklab" comes earlier and is not a frame). For socklab a second
# time is taken: the first frame that shows its server's real address
# ("server 127.0.0.1:"), i.e. the lab is up. Runs alternate between programs.
#
# Idle CPU: all programs run at once in tmux windows of the same size
# (120x40), each having drawn its first frame (so each got its size); after
# 3 s of settling, CPU time is read over IDLE_SECONDS without input, two ways:
#   - utime+stime from /proc/PID/stat (what `top` shows). On this kernel
#     (CONFIG_TICK_CPU_ACCOUNTING, HZ=250) these are *sampled* at each tick:
#     a program that wakes 60 times a second is charged whole 4 ms ticks by
#     chance, and reads are in 10 ms units (1 tick over 10 s = 0.1 %).
#   - a second copy of baretea runs beside them: the gap between the two
#     bare copies is the noise of the run.
#   - the sum over threads of /proc/PID/task/*/schedstat (nanoseconds the
#     scheduler actually ran them): exact; this is the figure to quote.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-9}
idle=${2:-30}
out=$(mktemp -d)
trap 'tmux -S "$out/tmux.sock" kill-server 2>/dev/null || true; rm -rf "$out"' EXIT
go build -o "$out/socklab" .
go build -o "$out/baretea" ./testdata/baretea
python3 - "$out" "$runs" "$idle" <<'PY'
import fcntl, os, re, select, signal, statistics, struct, subprocess, sys, termios, time

out, runs, idle = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
tick = os.sysconf("SC_CLK_TCK")
ALT = b"\x1b[?1049h"
ESC = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|P[^\x1b]*\x1b\\|[@-Z\\-_])")
env = dict(os.environ, TERM="xterm-256color", HOME=out, XDG_CONFIG_HOME=out)

progs = [  # name, argv, markers (first frame, then optional "lab is up")
    ("bare Bubble Tea v2", [f"{out}/baretea"], [b"bare tea ready"]),
    ("socklab --pane echo", [f"{out}/socklab", "--pane", "echo"], [b"1 Lessons", b"server 127.0.0.1:"]),
    ("socklab --pane lessons", [f"{out}/socklab", "--pane", "lessons"], [b"1 Lessons"]),
    # The two above run socklab twice: once to make the private network,
    # once inside it. --host-network is the single process.
    ("socklab --host-network", [f"{out}/socklab", "--pane", "echo", "--host-network"], [b"1 Lessons", b"server 127.0.0.1:"]),
]
# A second bare copy runs during the idle measurement only: the spread
# between the two bare copies is the noise floor of the run.
idle_progs = progs + [("bare Bubble Tea v2 (2nd)", [f"{out}/baretea"], [b"bare tea ready"])]

def first_frame(argv, markers):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    def ctty():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=ctty, close_fds=True)
    os.close(slave)
    raw, seen = b"", []
    while len(seen) < len(markers) and time.monotonic() - t0 < 10:
        r, _, _ = select.select([master], [], [], 0.05)
        if not r:
            continue
        try:
            raw += os.read(master, 65536)
        except OSError:
            break
        i = raw.find(ALT)
        if i < 0:
            continue
        text = ESC.sub(b"", raw[i + len(ALT):])
        while len(seen) < len(markers) and markers[len(seen)] in text:
            seen.append((time.monotonic() - t0) * 1000)
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill(); p.wait()
    os.close(master)
    return seen

def tree(pid):
    """pid and its descendants: socklab's copy in the private network runs
    as a child of the process tmux started."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as f:
                    todo += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return out

def stat_ticks(pid):
    total = 0
    for p in tree(pid):
        with open(f"/proc/{p}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
        total += int(parts[11]) + int(parts[12])
    return total

def sched_ns(pid):
    total = 0
    for p in tree(pid):
        for t in os.listdir(f"/proc/{p}/task"):
            try:
                with open(f"/proc/{p}/task/{t}/schedstat") as f:
                    total += int(f.read().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass  # a thread that ended: its time is lost, a few µs at most
    return total

# --- first frame, alternating programs
times = {name: [[] for _ in markers] for name, _, markers in progs}
for _ in range(runs):
    for name, argv, markers in progs:
        for k, ms in enumerate(first_frame(argv, markers)):
            times[name][k].append(ms)

print(f"First frame (pty 120x40, {runs} runs each, alternating): median (min-max)")
for name, _, markers in progs:
    for k, m in enumerate(markers):
        ts = times[name][k]
        what = "first frame" if k == 0 else f"frame with {m.decode()!r}"
        if ts:
            print(f"  {name:24s} {what:34s} {statistics.median(ts):6.0f} ms ({min(ts):.0f}-{max(ts):.0f}, {len(ts)}/{runs})")
        else:
            print(f"  {name:24s} {what:34s} never seen")

# --- idle CPU, all at once in tmux
sock = f"{out}/tmux.sock"
def tmux(*a):
    return subprocess.run(["tmux", "-S", sock, *a], check=True, capture_output=True, text=True).stdout
pids = {}
for i, (name, argv, markers) in enumerate(idle_progs):
    cmd = " ".join(f"'{a}'" for a in argv)
    tmux("new-session", "-d", "-s", f"p{i}", "-x", "120", "-y", "40",
         f"env TERM=xterm-256color HOME={out} XDG_CONFIG_HOME={out} {cmd}")
for i, (name, argv, markers) in enumerate(idle_progs):
    deadline = time.monotonic() + 15
    while markers[-1].decode() not in tmux("capture-pane", "-p", "-t", f"p{i}"):
        if time.monotonic() > deadline:
            sys.exit(f"{name}: no frame in tmux")
        time.sleep(0.05)
    pane_pid = tmux("display-message", "-p", "-t", f"p{i}", "#{pane_pid}").strip()
    pids[name] = int(pane_pid)  # env execs the program: same pid
time.sleep(3)
t0 = time.monotonic()
before = {n: (stat_ticks(p), sched_ns(p)) for n, p in pids.items()}
time.sleep(idle)
after = {n: (stat_ticks(p), sched_ns(p)) for n, p in pids.items()}
dt = time.monotonic() - t0
print(f"Idle CPU (tmux 120x40, all at once, {dt:.0f} s without input), % of one core:")
print(f"  {'program':24s} {'schedstat (exact)':>18s} {'utime+stime (sampled)':>22s}")
for name in pids:
    ns = after[name][1] - before[name][1]
    tk = after[name][0] - before[name][0]
    print(f"  {name:24s} {100 * ns / 1e9 / dt:17.2f}% {100 * tk / tick / dt:21.2f}%  ({ns / 1e6 / dt:.1f} ms/s, {tk} ticks)")
PY
