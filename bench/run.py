#!/usr/bin/env python3
"""run.py — vplat's benchmark runner (python3, standard library only).

Builds the self-checking workloads in bench/workloads/ for riscv64 (the
guest) and for the host (the native baseline) into out/bench/, then runs
every workload under each available vplat JIT mode, under qemu-riscv64 and
natively, interleaved (vplat qemu native, vplat qemu native, ...) so that a
noisy, shared machine slows all of them alike.  Every run's exit status and
checksum line are verified; one wrong result fails the whole run and no
score is printed for it.  Reports medians and speed ratios, peak memory and
vplat's translation figures (from --stats) as markdown tables (stdout),
optionally as JSON, as a PNG bar chart (gnuplot) and into bench/RESULTS.md.

    python3 bench/run.py                      # every available vplat mode vs qemu, 5 runs
    python3 bench/run.py --modes none,native --runs 3
    python3 bench/run.py --quick              # CI: every workload, every backend, 1 small run
    python3 bench/run.py --modes '' --quick   # qemu and native only, fast
    python3 bench/run.py --runs 3 --write-results --json out/bench/r.json

Ratios are speeds: vplat/qemu = t(qemu) / t(vplat), so > 1 means vplat is
faster than qemu; vplat/x86-64 = t(native) / t(vplat) is the fraction of
native host speed reached.  See bench/README.md.
"""

import argparse
import concurrent.futures
import datetime
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import boot  # noqa: E402  (bench/boot.py: boot-to-poweroff of the virt board)

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
WORKLOAD_DIR = BENCH_DIR / "workloads"
OUT_DIR = REPO / "out" / "bench"
RESULTS_MD = BENCH_DIR / "RESULTS.md"
RUSAGE_SRC = BENCH_DIR / "tools" / "rusage_run.c"
RESULTS_PNG = BENCH_DIR / "results.png"
DEFAULT_CHART = OUT_DIR / "chart.png"

# Both builds use the same flags.  -ffp-contract=off: gcc would otherwise fuse
# a*b+c into fmadd on riscv64 but not on baseline x86-64, and the FP
# checksums would differ between the targets.
CFLAGS = ["-O2", "-static", "-ffp-contract=off", "-Wall", "-Wextra", "-Werror"]
LIBS = ["-lm"]
# Name of the native build in tables and JSON ("native" is also a vplat JIT
# mode, so the host build goes by its architecture).
HOST = platform.machine().replace("_", "-") or "host"

TARGETS = {
    "riscv64": "riscv64-linux-gnu-gcc",
    "native": "gcc",
}
# What a workload's generator (workloads/NAME_gen.py ARCH OUT.s) is told.
GEN_ARCH = {"riscv64": "riscv64", "native": platform.machine()}

# Every --jit mode vplat knows of.  The default runs each one that the vplat
# binary accepts; a mode it refuses ("not built yet") is skipped with a note.
ALL_MODES = ["none", "native", "llvm", "tiered"]

# A guest program that does nothing: asks vplat whether it accepts a mode.
PROBE_SRC = "int main(void) { return 0; }\n"

LEGEND = ("\nTimes: median wall seconds. Ratios a/b: speed of a over speed of b "
          "(t_b / t_a); vplat-X/qemu > 1 means vplat --jit=X beats qemu-riscv64.")

CHECKSUM_RE = r"^{name} checksum=0x([0-9a-f]{{16}})$"


class BenchError(Exception):
    """A failure that ends the run with a message and a non-zero exit."""


class RunFailure(BenchError):
    """A workload run that crashed, timed out or produced a wrong result."""

    def __init__(self, workload, config, reason):
        super().__init__(f"{workload} under {config}: {reason}")
        self.workload = workload
        self.config = config
        self.reason = reason


# ------------------------------------------------------------------ helpers

def first_line(cmd):
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
        lines = (out.stdout or out.stderr).strip().splitlines()
        return lines[0].strip() if lines else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unavailable"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info(args):
    info = {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "qemu": first_line([args.qemu, "--version"]),
        "riscv64_gcc": first_line([TARGETS["riscv64"], "--version"]),
        "native_gcc": first_line([TARGETS["native"], "--version"]),
        "python": platform.python_version(),
    }
    if args.modes:
        vplat = Path(args.vplat)
        try:
            st = vplat.stat()
            built = datetime.datetime.fromtimestamp(st.st_mtime).strftime("%Y-%m-%d %H:%M:%S")
            info["vplat"] = f"{args.vplat} (built {built}, {st.st_size} bytes)"
        except OSError:
            info["vplat"] = f"{args.vplat} (missing)"
        # Read-only query; fails harmlessly in a repository without commits.
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True)
        info["vplat_commit"] = rev.stdout.strip() if rev.returncode == 0 else "no commit"
    return info


def vplat_stamp(args):
    try:
        st = os.stat(args.vplat)
        return (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return None


def fmt_secs(t):
    return f"{t:.3f}" if t < 10 else f"{t:.2f}"


def fmt_ratio(r):
    return f"{r:.3f}" if r < 0.1 else f"{r:.2f}"


def fmt_num(x, digits=1):
    """A figure for the translation table: '-' when unknown."""
    if x is None:
        return "-"
    if isinstance(x, float) and x.is_integer() and digits == 0:
        x = int(x)
    if isinstance(x, int):
        return str(x)
    if x >= 100:
        return f"{x:.0f}"
    return f"{x:.{digits}f}"


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def median_or_none(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


class Progress:
    """One status line on stderr: rewritten in place on a terminal, one line
    per step otherwise (so logs stay readable).  Thread-safe (the build runs
    compilers in parallel)."""

    def __init__(self):
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()
        self.width = 0
        self.lock = threading.Lock()

    def show(self, text, step_done=False):
        with self.lock:
            elapsed = time.monotonic() - self.start
            line = f"[{int(elapsed) // 60:2d}:{int(elapsed) % 60:02d}] {text}"
            if self.tty:
                cols = shutil.get_terminal_size((120, 24)).columns
                if len(line) >= cols:
                    line = line[:cols - 2] + "…"
                pad = max(0, self.width - len(line))
                sys.stderr.write("\r" + line + " " * pad)
                self.width = len(line)
            elif step_done:
                sys.stderr.write(line + "\n")
            sys.stderr.flush()

    def note(self, text):
        """A line that stays (warnings, skipped modes), above the status line."""
        with self.lock:
            if self.tty and self.width:
                sys.stderr.write("\r" + " " * self.width + "\r")
                self.width = 0
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

    def clear(self):
        with self.lock:
            if self.tty and self.width:
                sys.stderr.write("\r" + " " * self.width + "\r")
                sys.stderr.flush()
                self.width = 0


# -------------------------------------------------------------------- build

def discover(only):
    workloads = []
    for src in sorted(WORKLOAD_DIR.glob("*.c")):
        text = src.read_text()
        scales = {}
        for key in ("DEFAULT_SCALE", "QUICK_SCALE"):
            m = re.search(rf"^#define {key} (\d+)", text, re.M)
            if not m:
                raise BenchError(f"{src}: no '#define {key} N' line")
            scales[key] = int(m.group(1))
        gen = src.with_name(src.stem + "_gen.py")
        workloads.append({"name": src.stem, "src": src,
                          "gen": gen if gen.exists() else None,
                          "default": scales["DEFAULT_SCALE"],
                          "quick": scales["QUICK_SCALE"]})
    if only:
        wanted = set(only)
        unknown = wanted - {w["name"] for w in workloads}
        if unknown:
            raise BenchError(f"unknown workload(s): {', '.join(sorted(unknown))}; "
                             f"have {', '.join(w['name'] for w in workloads)}")
        workloads = [w for w in workloads if w["name"] in wanted]
    if not workloads:
        raise BenchError(f"no workloads found in {WORKLOAD_DIR}")
    return workloads


def run_tool(cmd, what):
    try:
        res = subprocess.run(cmd, capture_output=True, text=True)
    except OSError as e:
        raise BenchError(f"{what}: cannot run {cmd[0]}: {e}")
    if res.returncode != 0:
        raise BenchError(f"{what} failed:\n$ {shlex.join(cmd)}\n{res.stdout}{res.stderr}")


def newer_than(out, inputs):
    return out.exists() and all(out.stat().st_mtime >= p.stat().st_mtime for p in inputs)


def build_one(name, target, src, gen, extra_inputs, progress):
    """Builds one binary unless it is newer than its inputs and was built
    with the same command.  A workload with a generator gets the generated
    assembly as a second source (regenerated when the generator changed)."""
    cc = TARGETS[target]
    out = OUT_DIR / target / name
    sources = [src]
    inputs = [src, *extra_inputs]
    if gen is not None:
        gen_out = OUT_DIR / "gen" / target / f"{name}_gen.s"
        if not newer_than(gen_out, [gen]):
            progress.show(f"generating {target}/{name}", step_done=True)
            gen_out.parent.mkdir(parents=True, exist_ok=True)
            run_tool([sys.executable, str(gen), GEN_ARCH[target], str(gen_out)],
                     f"generating {name} for {target}")
        sources.append(gen_out)
        inputs.append(gen_out)
    stamp = out.with_name(out.name + ".cmd")
    cmd = [cc, *CFLAGS, "-o", str(out), *map(str, sources), *LIBS]
    fresh = (stamp.exists() and stamp.read_text() == shlex.join(cmd)
             and newer_than(out, inputs))
    if not fresh:
        progress.show(f"building {target}/{name}", step_done=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        run_tool(cmd, f"building {name} for {target}")
        stamp.write_text(shlex.join(cmd))
    return out


def build_helper(progress):
    """bench/tools/rusage_run.c, the wrapper every timed run goes through."""
    out = OUT_DIR / "tools" / "rusage_run"
    stamp = out.with_name(out.name + ".cmd")
    cmd = [TARGETS["native"], "-O2", "-static", "-Wall", "-Wextra", "-Werror",
           "-o", str(out), str(RUSAGE_SRC)]
    if not (stamp.exists() and stamp.read_text() == shlex.join(cmd)
            and newer_than(out, [RUSAGE_SRC])):
        progress.show("building tools/rusage_run", step_done=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        run_tool(cmd, "building bench/tools/rusage_run.c")
        stamp.write_text(shlex.join(cmd))
    return out


def build(workloads, progress, need_probe):
    """Builds every workload for both targets (and the mode probe and the
    timing helper), as many compilers at a time as there are cores."""
    headers = list(WORKLOAD_DIR.glob("*.h"))
    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        jobs[("rusage_run", "tool")] = pool.submit(build_helper, progress)
        if need_probe:
            probe_src = OUT_DIR / "probe.c"
            probe_src.parent.mkdir(parents=True, exist_ok=True)
            if not probe_src.exists() or probe_src.read_text() != PROBE_SRC:
                probe_src.write_text(PROBE_SRC)
            jobs[("probe", "riscv64")] = pool.submit(
                build_one, "probe", "riscv64", probe_src, None, [], progress)
        # Workloads with a generator first: they take longest.
        for w in sorted(workloads, key=lambda w: w["gen"] is None):
            for target in TARGETS:
                jobs[(w["name"], target)] = pool.submit(
                    build_one, w["name"], target, w["src"], w["gen"], headers, progress)
        binaries = {}
        errors = []
        for key, job in jobs.items():
            try:
                binaries[key] = job.result()
            except BenchError as e:
                errors.append(str(e))
    if errors:
        raise BenchError("\n".join(errors))
    return binaries


# ---------------------------------------------------------------------- run

def parse_stats(stderr):
    """vplat --stats report ('vplat stats:' then '  label   value' lines) as
    {label: value text}; {} when there is none."""
    stats = {}
    lines = stderr.splitlines()
    try:
        start = max(i for i, l in enumerate(lines) if l.strip() == "vplat stats:")
    except ValueError:
        return stats
    for line in lines[start + 1:]:
        if not line.startswith("  "):
            break
        # Labels have no digits; the value starts at the first one.
        m = re.match(r"^  ([^\d]*?[^\d\s])\s+([-+]?\d.*)$", line)
        if m:
            stats[m.group(1)] = m.group(2).strip()
    return stats


def stat_number(stats, label):
    """The first number in a --stats value ('4.002 ms (…)' -> 4.002)."""
    v = stats.get(label)
    if v is None:
        return None
    m = re.match(r"[-+]?\d+(\.\d+)?", v)
    if not m:
        return None
    return float(m.group(0)) if m.group(1) else int(m.group(0))


def run_once(workload, config, cmd, expect, timeout, helper):
    """Runs one command through the rusage_run helper; returns {wall, cpu,
    maxrss_kb, checksum, stderr, stats}.  Raises RunFailure on a crash,
    timeout, non-zero exit or wrong checksum.  Output goes to temporary
    files; the helper reaps the command with wait4 and reports its wall
    time, CPU time and peak RSS (see bench/tools/rusage_run.c for why
    Python cannot measure the RSS itself)."""
    fd, report_path = tempfile.mkstemp(prefix="vplat-bench-", suffix=".rusage")
    os.close(fd)
    try:
        with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
            try:
                # Own session, so a hung run can be killed with everything it started.
                proc = subprocess.Popen([str(helper), report_path, *cmd], stdout=out_f,
                                        stderr=err_f, stdin=subprocess.DEVNULL,
                                        start_new_session=True)
            except OSError as e:
                raise RunFailure(workload, config, f"cannot start {helper}: {e}")
            try:
                proc.wait(timeout=timeout)
                timed_out = False
            except subprocess.TimeoutExpired:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
            out_f.seek(0)
            err_f.seek(0)
            stdout = out_f.read().decode(errors="replace")
            stderr = err_f.read().decode(errors="replace")
        report = Path(report_path).read_text()
    finally:
        os.unlink(report_path)
    if timed_out:
        raise RunFailure(workload, config, f"timed out after {timeout} s: {shlex.join(cmd)}")
    m = re.match(r"status=(-?\d+) wall_ns=(\d+) utime_us=(\d+) stime_us=(\d+) "
                 r"maxrss_kb=(\d+)", report)
    if proc.returncode != 0 or not m:
        raise RunFailure(workload, config, f"the timing helper failed (exit status "
                         f"{proc.returncode}): {stderr.strip()[-300:]}")
    returncode = os.waitstatus_to_exitcode(int(m.group(1)))
    wall = int(m.group(2)) / 1e9
    cpu = (int(m.group(3)) + int(m.group(4))) / 1e6
    maxrss_kb = int(m.group(5))

    def tail(s, n=600):
        s = s.strip()
        return ("..." + s[-n:]) if len(s) > n else s

    detail = (f"\n  command: {shlex.join(cmd)}"
              f"\n  stdout: {tail(stdout) or '(empty)'}"
              f"\n  stderr: {tail(stderr) or '(empty)'}")
    sums = re.findall(CHECKSUM_RE.format(name=re.escape(workload)), stdout, re.M)
    if returncode != 0:
        how = (f"killed by signal {-returncode}" if returncode < 0
               else f"exit status {returncode}")
        if "CHECKSUM MISMATCH" in stderr:
            how = f"WRONG CHECKSUM (program self-check failed, {how})"
        err_lines = [l for l in stderr.strip().splitlines() if l.strip()]
        if err_lines:
            how += f": {err_lines[-1].strip()[:200]}"
        raise RunFailure(workload, config, how + detail)
    if len(sums) != 1:
        raise RunFailure(workload, config,
                         f"expected exactly one '{workload} checksum=0x...' line, "
                         f"found {len(sums)}" + detail)
    if expect is not None and sums[0] != expect:
        raise RunFailure(workload, config,
                         f"WRONG CHECKSUM 0x{sums[0]}, the native build gives 0x{expect}"
                         + detail)
    return {"wall": wall, "cpu": cpu,
            "maxrss_kb": maxrss_kb, "checksum": sums[0], "stderr": stderr,
            "stats": parse_stats(stderr)}


def probe_modes(args, probe, progress):
    """Asks vplat about each requested mode with a do-nothing guest program.
    A mode it refuses on the command line (exit status 2 naming --jit, as
    for a backend not built yet) is skipped with a note; anything else
    counts as available, so a broken mode fails in the real runs."""
    modes, skipped = [], {}
    for m in args.modes:
        progress.show(f"checking vplat --jit={m}")
        try:
            res = subprocess.run([args.vplat, "user", f"--jit={m}", str(probe)],
                                 capture_output=True, text=True, timeout=60)
            refused = res.returncode == 2 and "--jit" in res.stderr
            why = res.stderr.strip().splitlines()[0] if res.stderr.strip() else ""
        except subprocess.TimeoutExpired:
            refused, why = False, ""
        if refused:
            skipped[m] = why
            progress.note(f"note: skipping --jit={m}: {why}")
        else:
            modes.append(m)
    return modes, skipped


def measure(args, workloads, binaries, progress):
    helper = binaries[("rusage_run", "tool")]
    configs = [f"vplat-{m}" for m in args.modes] + ["qemu", HOST]
    results = []
    failures = []
    total = len(workloads) * args.runs * len(configs)
    done = 0
    for wi, w in enumerate(workloads):
        name = w["name"]
        scale = w["quick"] if args.quick else w["default"]
        guest = str(binaries[(name, "riscv64")])
        native = str(binaries[(name, "native")])
        cmds = {f"vplat-{m}": [args.vplat, "user", f"--jit={m}", "--stats", guest, str(scale)]
                for m in args.modes}
        cmds["qemu"] = [args.qemu, guest, str(scale)]
        cmds[HOST] = [native, str(scale)]

        # Untimed reference run: the native build's checksum is the truth
        # every emulated run must reproduce (the program also self-checks).
        progress.show(f"[{wi + 1}/{len(workloads)}] {name}: native reference run")
        ref_run = run_once(name, HOST, [native, str(scale)], None, args.timeout, helper)
        ref = ref_run["checksum"]
        if "no expected checksum" in ref_run["stderr"]:
            progress.note(f"warning: {name} has no recorded checksum for scale {scale}; "
                          "checking against the native build only")

        runs = {c: [] for c in configs}
        failed = {}
        for r in range(args.runs):
            for c in configs:
                done += 1
                if c in failed:
                    continue
                progress.show(f"[{wi + 1}/{len(workloads)}] {name} (scale {scale}): "
                              f"run {r + 1}/{args.runs} {c}   ({done}/{total} runs)")
                try:
                    one = run_once(name, c, cmds[c], ref, args.timeout, helper)
                except RunFailure as f:
                    if not args.keep_going:
                        raise
                    progress.note(f"FAILED: {f}")
                    failed[c] = f.reason.splitlines()[0]
                    failures.append({"workload": name, "config": c, "reason": f.reason})
                    continue
                del one["stderr"], one["checksum"]
                runs[c].append(one)
            summary = "  ".join(f"{c} {fmt_secs(runs[c][-1][args.clock])}s" for c in configs
                                if c not in failed and runs[c])
            progress.show(f"[{wi + 1}/{len(workloads)}] {name}: run {r + 1}/{args.runs} "
                          f"{summary}", step_done=True)
        ok = [c for c in configs if c not in failed and runs[c]]
        times = {c: [one[args.clock] for one in runs[c]] for c in configs}
        res = {
            "workload": name, "scale": scale, "checksum": "0x" + ref,
            "times": times,
            "wall": {c: [one["wall"] for one in runs[c]] for c in configs},
            "cpu": {c: [one["cpu"] for one in runs[c]] for c in configs},
            "maxrss_kb": {c: [one["maxrss_kb"] for one in runs[c]] for c in configs},
            "median": {c: statistics.median(times[c]) for c in ok},
            "wall_median": {c: statistics.median(o["wall"] for o in runs[c]) for c in ok},
            "rss_median_kb": {c: statistics.median(o["maxrss_kb"] for o in runs[c]) for c in ok},
            "stats": {c: [one["stats"] for one in runs[c]] for c in ok if c.startswith("vplat-")},
            "failed": failed,
        }
        # vplat times its translations with a wall clock: compare with wall time.
        res["translation"] = {c: translation_figures(res["stats"][c], res["wall_median"][c])
                              for c in res["stats"]}
        results.append(res)
    progress.clear()
    return configs, results, failures


# ------------------------------------------------------------ translation

def translation_figures(stats_runs, median_secs):
    """Translation cost of one workload under one vplat mode, from the
    --stats reports of its runs (medians over runs).  Tier 0 is the
    translation every TB gets (decode to IR, optimize, interpreter form);
    each hot tier ('TBs promoted to T' / 'T code generation') is listed
    under its own name."""
    def med(label):
        return median_or_none(stat_number(s, label) for s in stats_runs)

    if not stats_runs or not any(stats_runs):
        return None
    fig = {
        "insns_executed": med("guest instructions executed"),
        "tbs": med("TBs translated"),
        "insns_decoded": med("guest instructions decoded"),
        "translate_ms": med("translation time"),
        "tiers": {},
    }
    tbs, insns, ms = fig["tbs"], fig["insns_decoded"], fig["translate_ms"]
    fig["insns_per_tb"] = insns / tbs if tbs and insns is not None else None
    fig["us_per_tb"] = ms * 1000 / tbs if tbs and ms is not None else None
    fig["minsns_per_s"] = insns / ms / 1000 if ms and insns is not None else None
    total_ms = ms or 0
    labels = set().union(*(s.keys() for s in stats_runs))
    for label in sorted(labels):
        m = re.fullmatch(r"TBs promoted to (\S+)", label)
        if not m:
            continue
        tier = m.group(1)
        t = {"tbs": med(label),
             "ms": med(f"{tier} code generation"),
             "code_bytes": med(f"{tier} code bytes")}
        t["us_per_tb"] = t["ms"] * 1000 / t["tbs"] if t["tbs"] and t["ms"] is not None else None
        total_ms += t["ms"] or 0
        fig["tiers"][tier] = t
    fig["share_of_run"] = total_ms / 1000 / median_secs if median_secs else None
    return fig


def hot_tiers(results):
    tiers = []
    for res in results:
        for fig in res.get("translation", {}).values():
            for t in (fig or {}).get("tiers", {}):
                if t not in tiers:
                    tiers.append(t)
    return tiers


def translation_table(results, modes):
    tiers = hot_tiers(results)
    head = ["workload", "mode", "TBs", "insns/TB", "translate ms", "µs/TB",
            "M insns/s"]
    for t in tiers:
        head += [f"{t} TBs", f"{t} µs/TB", f"{t} KiB"]
    head.append("% of wall")
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---", "---"] + ["---:"] * (len(head) - 2)) + "|"]
    totals = {}
    for res in results:
        for m in modes:
            fig = res.get("translation", {}).get(f"vplat-{m}")
            if not fig:
                continue
            row = [res["workload"], m, fmt_num(fig["tbs"], 0), fmt_num(fig["insns_per_tb"]),
                   fmt_num(fig["translate_ms"]), fmt_num(fig["us_per_tb"], 2),
                   fmt_num(fig["minsns_per_s"], 2)]
            tot = totals.setdefault(m, {"tbs": 0, "insns": 0, "ms": 0.0, "tiers": {}})
            tot["tbs"] += fig["tbs"] or 0
            tot["insns"] += fig["insns_decoded"] or 0
            tot["ms"] += fig["translate_ms"] or 0
            for t in tiers:
                tf = fig["tiers"].get(t)
                if tf:
                    kib = tf["code_bytes"] / 1024 if tf["code_bytes"] is not None else None
                    row += [fmt_num(tf["tbs"], 0), fmt_num(tf["us_per_tb"], 2), fmt_num(kib)]
                    tt = tot["tiers"].setdefault(t, {"tbs": 0, "ms": 0.0})
                    tt["tbs"] += tf["tbs"] or 0
                    tt["ms"] += tf["ms"] or 0
                else:
                    row += ["-", "-", "-"]
            share = fig["share_of_run"]
            row.append(f"{share * 100:.1f}%" if share is not None else "-")
            lines.append("| " + " | ".join(row) + " |")
    for m, tot in totals.items():
        row = ["**all**", m, fmt_num(tot["tbs"], 0),
               fmt_num(tot["insns"] / tot["tbs"] if tot["tbs"] else None),
               fmt_num(tot["ms"]),
               fmt_num(tot["ms"] * 1000 / tot["tbs"] if tot["tbs"] else None, 2),
               fmt_num(tot["insns"] / tot["ms"] / 1000 if tot["ms"] else None, 2)]
        for t in tiers:
            tt = tot["tiers"].get(t)
            if tt and tt["tbs"]:
                row += [fmt_num(tt["tbs"], 0), fmt_num(tt["ms"] * 1000 / tt["tbs"], 2), "-"]
            else:
                row += ["-", "-", "-"]
        row.append("")
        lines.append("| " + " | ".join(row) + " |")
    if not totals:
        return ""
    return "\n".join(lines)


TRANSLATION_LEGEND = (
    "Translation (from `vplat --stats`, medians over runs): TBs = blocks "
    "translated; insns/TB = guest instructions decoded per TB; translate ms = "
    "time decoding to IR and preparing it for the interpreter (every TB); "
    "µs/TB and M insns/s = that time per TB and the guest instructions decoded "
    "per second; for each hot tier (e.g. `native`), the TBs promoted to it, "
    "host µs per promoted TB and the code size; % = all translation time over "
    "the run's median wall time.  vplat measures these times with a wall clock, so "
    "on a loaded machine they include time the process was not running.")


# ------------------------------------------------------------------- report

def ratio_columns(modes):
    cols = []
    for m in modes:
        cols.append((f"vplat-{m}/qemu", f"vplat-{m}", "qemu"))
        cols.append((f"vplat-{m}/{HOST}", f"vplat-{m}", HOST))
    cols.append((f"qemu/{HOST}", "qemu", HOST))
    return cols


def compute_ratios(modes, results):
    """speed(a)/speed(b) = t(b)/t(a) per workload, and geometric means."""
    cols = ratio_columns(modes)
    for res in results:
        res["ratios"] = {}
        for label, a, b in cols:
            ma, mb = res["median"].get(a), res["median"].get(b)
            if ma and mb:
                res["ratios"][label] = mb / ma
    geo = {}
    for label, _, _ in cols:
        vals = [r["ratios"][label] for r in results if label in r["ratios"]]
        geo[label] = {"value": geomean(vals), "count": len(vals)}
    return cols, geo


def markdown_table(configs, modes, results, cols, geo):
    head = ["workload", "scale"] + [f"{c} s" for c in configs] + [c[0] for c in cols]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for res in results:
        row = [res["workload"], str(res["scale"])]
        for c in configs:
            if c in res["failed"]:
                row.append("FAIL")
            else:
                row.append(fmt_secs(res["median"][c]) if c in res["median"] else "-")
        for label, _, _ in cols:
            row.append(fmt_ratio(res["ratios"][label]) if label in res["ratios"] else "-")
        lines.append("| " + " | ".join(row) + " |")
    row = ["**geomean**", ""] + [""] * len(configs)
    n = len(results)
    for label, _, _ in cols:
        g = geo[label]
        if g["value"] is None:
            row.append("-")
        else:
            cell = f"**{fmt_ratio(g['value'])}**"
            if g["count"] != n:
                cell += f" ({g['count']} of {n})"
            row.append(cell)
    lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def rss_table(configs, results):
    """Peak resident memory (ru_maxrss of the process) per configuration."""
    head = ["workload"] + [f"{c} MiB" for c in configs]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] + ["---:"] * len(configs)) + "|"]
    for res in results:
        row = [res["workload"]]
        for c in configs:
            kb = res["rss_median_kb"].get(c)
            row.append("FAIL" if c in res["failed"] else
                       f"{kb / 1024:.1f}" if kb is not None else "-")
        lines.append("| " + " | ".join(row) + " |")
    row = ["**max**"]
    for c in configs:
        vals = [r["rss_median_kb"][c] for r in results if c in r["rss_median_kb"]]
        row.append(f"**{max(vals) / 1024:.1f}**" if vals else "-")
    lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


RSS_LEGEND = ("Peak RSS: the process's maximum resident set size (`ru_maxrss` "
              "from wait4), median over runs, in MiB.")


def spread(res, config):
    """Run-to-run spread of one configuration: (max - min) / median."""
    t = res["times"].get(config) or []
    med = res["median"].get(config)
    return (max(t) - min(t)) / med if len(t) > 1 and med else None


def spread_note(results):
    """Worst run-to-run spread per configuration, to judge the noise."""
    worst = {}
    for res in results:
        for c in res["median"]:
            sp = spread(res, c)
            if sp is not None and (c not in worst or sp > worst[c][0]):
                worst[c] = (sp, res["workload"])
    if not worst:
        return "One run per configuration: no run-to-run spread to report."
    parts = [f"{c} {sp * 100:.0f}% ({w})" for c, (sp, w) in worst.items()]
    return ("Worst run-to-run spread, (max - min) / median, per configuration: "
            + ", ".join(parts) + ".")


def failure_notes(failures):
    if not failures:
        return ""
    out = ["", "**Failures** (no score is given for these):", ""]
    for f in failures:
        out.append(f"- `{f['workload']}` under `{f['config']}`: {f['reason'].splitlines()[0]}")
    return "\n".join(out)


def skipped_notes(skipped):
    if not skipped:
        return ""
    return "\n".join(f"Skipped `--jit={m}`: {why}" for m, why in skipped.items())


# -------------------------------------------------------------------- chart

def gnuplot_quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draw_chart(path, modes, results, geo, subtitle, clock):
    """PNG bar chart of each vplat mode's speed relative to qemu-riscv64 per
    workload (and the geomean), drawn by gnuplot on a log scale with the
    bars growing from 1 (qemu's speed): up when vplat is faster, down when
    it is slower.  Returns an error text instead of raising: a missing chart
    is not a failed run."""
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        return "gnuplot not found (Debian: apt-get install gnuplot-nox); no chart drawn"
    if not modes:
        return "no vplat mode was measured; no chart drawn"
    rows = []
    for res in results:
        rows.append((res["workload"], [res["ratios"].get(f"vplat-{m}/qemu") for m in modes]))
    rows.append(("geomean", [geo[f"vplat-{m}/qemu"]["value"] for m in modes]))
    vals = [v for _, vs in rows for v in vs if v]
    if not vals:
        return "no ratio to plot; no chart drawn"
    lo = min(min(vals), 1.0) / 1.5
    hi = max(max(vals), 1.0) * 1.5
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    data = path.with_suffix(".dat")
    with open(data, "w") as f:
        f.write("# x workload " + " ".join(f"vplat-{m}/qemu" for m in modes) + "\n")
        for i, (name, vs) in enumerate(rows):
            f.write(f"{i} {name} " + " ".join(f"{v:.4f}" if v else "NaN" for v in vs) + "\n")
    n = len(modes)
    bw = 0.8 / n
    colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2"]
    d = gnuplot_quote(str(data))
    plots = []
    for j, m in enumerate(modes):
        col = j + 3
        x = f"($1+({(j - (n - 1) / 2) * bw:.4f}))"
        plots.append(f"{d} using {x}:(1):({x}-{bw / 2:.4f}):({x}+{bw / 2:.4f}):"
                     f"(${col}<1?${col}:1):(${col}<1?1:${col}) with boxxyerror "
                     f"fs solid 0.9 border rgb '#333333' lc rgb '{colors[j % len(colors)]}' "
                     f"title {gnuplot_quote('vplat --jit=' + m)}")
        plots.append(f"{d} using {x}:(${col}>=1?${col}:NaN):(sprintf('%.2f',${col})) "
                     "with labels offset 0,0.7 font ',8' notitle")
        plots.append(f"{d} using {x}:(${col}<1?${col}:NaN):(sprintf('%.2f',${col})) "
                     "with labels offset 0,-0.7 font ',8' notitle")
    xtics = ", ".join(f"{gnuplot_quote(name)} {i}" for i, (name, _) in enumerate(rows))
    width = max(900, 120 * len(rows) + 25 * n * len(rows))
    sep = len(rows) - 1.5
    script = f"""
set terminal pngcairo noenhanced size {width},560 font "sans,10"
set output {gnuplot_quote(str(path))}
set title {gnuplot_quote("vplat speed relative to qemu-riscv64 (bars up: faster than qemu, down: slower)")} . "\\n" . {gnuplot_quote(subtitle)}
set logscale y 2
set yrange [{lo:.4f}:{hi:.4f}]
set xrange [-0.6:{len(rows) - 0.4}]
set ytics ("1/16" 0.0625, "1/8" 0.125, "1/4" 0.25, "1/2" 0.5, "1" 1, "2" 2, "4" 4, "8" 8, "16" 16, "32" 32)
set ylabel "speed / qemu-riscv64 speed ({clock} time, log scale)"
set grid ytics lc rgb "#dddddd"
set xtics ({xtics}) nomirror rotate by -25 scale 0
set key top left box opaque
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead lw 1.5 lc rgb "#222222" front
set arrow 2 from first {sep}, graph 0 to first {sep}, graph 1 nohead dt 3 lc rgb "#888888"
plot {", ".join(plots)}
"""
    res = subprocess.run([gnuplot], input=script, capture_output=True, text=True)
    if res.returncode != 0 or not path.exists():
        return f"gnuplot failed: {(res.stderr or res.stdout).strip()[:500]}"
    return None


# ------------------------------------------------------------------ results

def write_results_md(path, tables, info, command, args, results, failures, skipped, when,
                     chart):
    mode_txt = ", ".join(f"`--jit={m}`" for m in args.modes) or "none (qemu and native only)"
    md = f"""# vplat benchmark results

<!-- Written by bench/run.py --write-results; edits are overwritten. -->

Recorded {when} with:

```
{command}
```

Machine:

- CPU: {info['cpu']}, {info['cores']} cores
- Kernel: {info['kernel']}
- qemu: {info['qemu']}
- guest compiler: {info['riscv64_gcc']}
- native compiler: {info['native_gcc']}
"""
    if "vplat" in info:
        md += (f"- vplat: {info['vplat']}; repository HEAD {info['vplat_commit']} "
               "(uncommitted changes are not recorded)\n")
    if "warning" in info:
        md += f"\n**Warning: {info['warning']}.**\n"
    scale_txt = "the quick scale" if args.quick else "the default scale"
    clock_txt = ("median wall seconds" if args.clock == "wall"
                 else "median CPU seconds (user + system)")
    md += "\n" + textwrap.fill(
        f"vplat modes: {mode_txt}. {args.runs} interleaved run(s) per workload and "
        f"configuration at {scale_txt}; times are {clock_txt}. Ratios a/b "
        f"are speed ratios (t_b / t_a): `vplat-X/qemu` > 1 means vplat in mode X "
        f"is faster than qemu-riscv64; `vplat-X/{HOST}` is the fraction of native "
        f"host speed reached. See [README.md](README.md) for the workloads and how "
        f"to read these numbers.", width=76) + "\n"
    if skipped:
        md += "\n" + skipped_notes(skipped) + "\n"
    if chart:
        md += f"\n![speed relative to qemu-riscv64]({chart})\n"
    md += f"""
{tables['speed']}

{spread_note(results)}
{failure_notes(failures)}
## Peak memory

{tables['rss']}

{textwrap.fill(RSS_LEGEND, width=76)}
"""
    if tables["translation"]:
        md += f"""
## Translation

{tables['translation']}

{textwrap.fill(TRANSLATION_LEGEND, width=76)}
"""
    if tables.get("boot"):
        md += f"""
## System mode: boot to power-off

{tables['boot']}

{textwrap.fill(boot.BOOT_LEGEND, width=76)}
"""
        for n in tables.get("boot_notes", []):
            md += f"\n{n}\n"
    path.write_text(md)


# --------------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Build and run vplat's benchmark workloads against "
                    "qemu-riscv64 and native x86-64; print markdown tables.")
    p.add_argument("--modes", default="all",
                   help="comma-separated vplat --jit modes to measure, e.g. none,native; "
                        "'all' (default) = " + ",".join(ALL_MODES) + ", each one the "
                        "vplat binary accepts (the others are skipped with a note); "
                        "'' runs only qemu and native")
    p.add_argument("--runs", type=int, default=5,
                   help="interleaved runs per workload and configuration (default 5)")
    p.add_argument("--quick", action="store_true",
                   help="CI check: 1 run of every workload at its quick scale under every "
                        "configuration; implies --keep-going and --timeout 120")
    p.add_argument("--only", default="",
                   help="comma-separated workload names to run (default: all)")
    p.add_argument("--vplat", default=None,
                   help="vplat binary (default: bazel-bin/vplat, else "
                        "bazel-bin/machine/vplat)")
    p.add_argument("--qemu", default="qemu-riscv64", help="qemu user-mode binary")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds before one run counts as hung (default 300; 120 with --quick)")
    p.add_argument("--keep-going", action="store_true",
                   help="on a failed run, mark that workload/config FAIL and carry "
                        "on (the exit status is still non-zero)")
    p.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                   help="what to compare: wall time of the process (default) or its "
                        "CPU time, user + system (steadier on a loaded machine; "
                        "counts background compile threads too)")
    p.add_argument("--write-results", action="store_true",
                   help="rewrite bench/RESULTS.md and bench/results.png")
    p.add_argument("--json", metavar="FILE", help="also write all timings as JSON")
    p.add_argument("--chart", metavar="FILE.png", default=None,
                   help=f"where to draw the bar chart (default {DEFAULT_CHART.relative_to(REPO)} "
                        "for a full run, none with --quick)")
    p.add_argument("--no-chart", action="store_true", help="draw no chart")
    p.add_argument("--build-only", action="store_true",
                   help="build the workloads and stop")
    p.add_argument("--boot", choices=("auto", "yes", "no"), default="auto",
                   help="also time boot-to-poweroff of the virt board against "
                        "qemu-system-riscv64 (needs scripts/build-guest.sh's images): "
                        "auto (default) = yes for full runs, no with --quick; yes fails "
                        "without the images")
    p.add_argument("--qemu-system", default="qemu-system-riscv64",
                   help="qemu system-mode binary for --boot")
    args = p.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    args.modes_requested = []
    for m in modes:
        for x in (ALL_MODES if m == "all" else [m]):
            if x not in args.modes_requested:
                args.modes_requested.append(x)
    args.modes = list(args.modes_requested)
    args.only = [w.strip() for w in args.only.split(",") if w.strip()]
    if args.vplat is None:
        # //:vplat is an alias of //machine:vplat; Bazel puts the file at
        # the real target's path.
        candidates = [REPO / "bazel-bin" / "vplat", REPO / "bazel-bin" / "machine" / "vplat"]
        found = [c for c in candidates if os.access(c, os.X_OK) and c.is_file()]
        args.vplat = str(found[0] if found else candidates[0])
    if args.quick:
        args.runs = 1
        args.keep_going = True
    if args.timeout is None:
        args.timeout = 120 if args.quick else 300
    if args.runs < 1:
        p.error("--runs must be at least 1")
    for m in args.modes:
        if not re.fullmatch(r"[a-z0-9_-]+", m):
            p.error(f"bad mode name {m!r}")
    if args.no_chart:
        args.chart = None
    elif args.chart is None and args.write_results:
        args.chart = str(RESULTS_PNG)
    elif args.chart is None and not args.quick:
        args.chart = str(DEFAULT_CHART)
    return args


def main(argv):
    args = parse_args(argv)
    script = os.path.relpath(__file__)
    command = shlex.join(["python3", script, *argv])
    progress = Progress()
    skipped = {}
    t_start = time.monotonic()
    try:
        workloads = discover(args.only)
        binaries = build(workloads, progress, need_probe=bool(args.modes))
        progress.clear()
        if args.build_only:
            print(f"built {len(workloads)} workloads into {OUT_DIR}")
            return 0
        if args.modes:
            if not os.access(args.vplat, os.X_OK):
                raise BenchError(f"vplat binary {args.vplat} not found or not executable; "
                                 "build it (bazel build //:vplat), pass --vplat PATH, or "
                                 "use --modes '' to measure only qemu and native")
            args.modes, skipped = probe_modes(args, binaries[("probe", "riscv64")], progress)
            if not args.modes:
                progress.note("note: vplat accepts none of the requested modes; "
                              "measuring qemu and native only")
        info = machine_info(args)
        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        stamp_before = vplat_stamp(args)
        configs, results, failures = measure(args, workloads, binaries, progress)
        if args.modes and vplat_stamp(args) != stamp_before:
            # Someone rebuilt vplat mid-run: timings mix two binaries.
            info["warning"] = (f"{args.vplat} was rebuilt during the run; the timings "
                               "mix two vplat builds and should be repeated")
            sys.stderr.write(f"WARNING: {info['warning']}\n")
    except RunFailure as f:
        progress.clear()
        sys.stderr.write(f"\nBENCHMARK FAILED: {f}\nNo results were written.\n")
        return 1
    except BenchError as e:
        progress.clear()
        sys.stderr.write(f"\nerror: {e}\n")
        return 1
    except KeyboardInterrupt:
        progress.clear()
        sys.stderr.write("\ninterrupted; no results were written\n")
        return 130

    boot_rows, boot_notes = None, []
    if args.boot == "yes" or (args.boot == "auto" and not args.quick):
        try:
            boot_rows, boot_notes = boot.measure_boot(REPO, args.vplat, args.modes_requested,
                                                      args.runs, args.qemu_system, progress)
        except RuntimeError as e:
            progress.clear()
            sys.stderr.write(f"\nBENCHMARK FAILED: {e}\nNo results were written.\n")
            return 1
        progress.clear()
        if boot_rows is None and args.boot == "yes":
            sys.stderr.write("\nerror: " + "; ".join(boot_notes) + "\n")
            return 1

    cols, geo = compute_ratios(args.modes, results)
    tables = {
        "speed": markdown_table(configs, args.modes, results, cols, geo),
        "rss": rss_table(configs, results),
        "translation": translation_table(results, args.modes),
        "boot": boot.boot_table(boot_rows) if boot_rows else None,
        "boot_notes": boot_notes,
    }
    print(tables["speed"])
    print(LEGEND if args.clock == "wall" else
          LEGEND.replace("median wall seconds", "median CPU seconds (user + system)"))
    print(spread_note(results))
    if skipped:
        print(skipped_notes(skipped))
    notes = failure_notes(failures)
    if notes:
        print(notes)
    print("\n" + tables["rss"])
    print("\n" + textwrap.fill(RSS_LEGEND, width=100))
    if tables["translation"]:
        print("\n" + tables["translation"])
        print("\n" + textwrap.fill(TRANSLATION_LEGEND, width=100))
    if tables["boot"]:
        print("\n" + tables["boot"])
        print("\n" + textwrap.fill(boot.BOOT_LEGEND, width=100))
    for n in tables["boot_notes"]:
        print(n)

    chart_rel = None
    if args.chart:
        subtitle = (f"{when}; {args.runs} run(s) per configuration, "
                    f"{'quick' if args.quick else 'default'} scale; {info['cpu']}")
        err = draw_chart(args.chart, args.modes, results, geo, subtitle, args.clock)
        if err:
            sys.stderr.write(f"note: {err}\n")
        else:
            sys.stderr.write(f"wrote {args.chart}\n")
            if args.write_results:
                chart_rel = os.path.relpath(args.chart, RESULTS_MD.parent)
    if args.write_results:
        write_results_md(RESULTS_MD, tables, info, command, args, results, failures,
                         skipped, when, chart_rel)
        sys.stderr.write(f"wrote {RESULTS_MD}\n")
    if args.json:
        doc = {
            "date": when, "command": command, "machine": info,
            "runs": args.runs, "quick": args.quick, "clock": args.clock,
            "modes": args.modes, "skipped_modes": skipped,
            "configs": configs,
            "workloads": results,
            "geomean": geo, "failures": failures,
            "boot": [{"config": n, "median_s": t, "speed_vs_qemu": r}
                     for n, t, r in (boot_rows or [])],
            "spread": {r["workload"]: {c: spread(r, c) for c in r["median"]}
                       for r in results},
        }
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        sys.stderr.write(f"wrote {args.json}\n")
    elapsed = time.monotonic() - t_start
    if failures:
        sys.stderr.write(f"{len(failures)} run configuration(s) FAILED; see above "
                         f"({elapsed:.0f} s)\n")
        return 1
    if args.quick:
        sys.stderr.write(f"quick check passed: {len(results)} workloads under "
                         f"{', '.join(configs)}, every checksum right ({elapsed:.0f} s)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
