#!/usr/bin/env python3
"""run.py — vplat's benchmark runner (python3, standard library only).

Builds the self-checking workloads in bench/workloads/ for riscv64 (the
guest) and for the host (the native baseline) into out/bench/, then runs
every workload under each requested vplat JIT mode, under qemu-riscv64 and
natively, interleaved (vplat qemu native, vplat qemu native, ...) so that a
noisy, shared machine slows all of them alike.  Every run's exit status and
checksum line are verified; one wrong result fails the whole run and no
score is printed for it.  Reports medians and speed ratios as a markdown
table (stdout), optionally as JSON and into bench/RESULTS.md.

    python3 bench/run.py                      # vplat --jit=none vs qemu, 5 runs
    python3 bench/run.py --modes none,native --runs 3
    python3 bench/run.py --modes '' --quick   # qemu and native only, fast
    python3 bench/run.py --runs 3 --write-results --json out/bench/r.json

Ratios are speeds: vplat/qemu = t(qemu) / t(vplat), so > 1 means vplat is
faster than qemu; vplat/x86-64 = t(native) / t(vplat) is the fraction of
native host speed reached.  See bench/README.md.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
WORKLOAD_DIR = BENCH_DIR / "workloads"
OUT_DIR = REPO / "out" / "bench"
RESULTS_MD = BENCH_DIR / "RESULTS.md"

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


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


class Progress:
    """One status line on stderr: rewritten in place on a terminal, one line
    per step otherwise (so logs stay readable)."""

    def __init__(self):
        self.tty = sys.stderr.isatty()
        self.start = time.monotonic()
        self.width = 0

    def show(self, text, step_done=False):
        elapsed = time.monotonic() - self.start
        line = f"[{int(elapsed) // 60:2d}:{int(elapsed) % 60:02d}] {text}"
        if self.tty:
            pad = max(0, self.width - len(line))
            sys.stderr.write("\r" + line + " " * pad)
            self.width = len(line)
        elif step_done:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    def clear(self):
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
        workloads.append({"name": src.stem, "src": src,
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


def build(workloads, progress):
    """Compiles each workload for each target unless the binary is newer
    than its inputs and was built with the same command."""
    headers = list(WORKLOAD_DIR.glob("*.h"))
    binaries = {}
    for w in workloads:
        for target, cc in TARGETS.items():
            out = OUT_DIR / target / w["name"]
            stamp = out.with_name(out.name + ".cmd")
            cmd = [cc, *CFLAGS, "-o", str(out), str(w["src"]), *LIBS]
            inputs = [w["src"], *headers]
            fresh = (out.exists() and stamp.exists()
                     and stamp.read_text() == shlex.join(cmd)
                     and all(out.stat().st_mtime >= p.stat().st_mtime for p in inputs))
            if not fresh:
                progress.show(f"building {target}/{w['name']}", step_done=True)
                out.parent.mkdir(parents=True, exist_ok=True)
                try:
                    res = subprocess.run(cmd, capture_output=True, text=True)
                except OSError as e:
                    raise BenchError(f"cannot run {cc}: {e}")
                if res.returncode != 0:
                    raise BenchError(f"building {w['name']} for {target} failed:\n"
                                     f"$ {shlex.join(cmd)}\n{res.stdout}{res.stderr}")
                stamp.write_text(shlex.join(cmd))
            binaries[(w["name"], target)] = out
    return binaries


# ---------------------------------------------------------------------- run

def run_once(workload, config, cmd, expect, timeout):
    """Runs one command, returns (wall seconds, checksum hex, stderr).  Raises
    RunFailure on a crash, timeout, non-zero exit or wrong checksum."""
    t0 = time.perf_counter()
    try:
        # Own session, so a hung run can be killed with everything it started.
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, errors="replace", start_new_session=True)
    except OSError as e:
        raise RunFailure(workload, config, f"cannot start {cmd[0]}: {e}")
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, 9)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise RunFailure(workload, config, f"timed out after {timeout} s: {shlex.join(cmd)}")
    wall = time.perf_counter() - t0
    res = subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)

    def tail(s, n=600):
        s = s.strip()
        return ("..." + s[-n:]) if len(s) > n else s

    detail = (f"\n  command: {shlex.join(cmd)}"
              f"\n  stdout: {tail(res.stdout) or '(empty)'}"
              f"\n  stderr: {tail(res.stderr) or '(empty)'}")
    sums = re.findall(CHECKSUM_RE.format(name=re.escape(workload)), res.stdout, re.M)
    if res.returncode != 0:
        how = (f"killed by signal {-res.returncode}" if res.returncode < 0
               else f"exit status {res.returncode}")
        if "CHECKSUM MISMATCH" in res.stderr:
            how = f"WRONG CHECKSUM (program self-check failed, {how})"
        err_lines = [l for l in res.stderr.strip().splitlines() if l.strip()]
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
    return wall, sums[0], res.stderr


def measure(args, workloads, binaries, progress):
    configs = [f"vplat-{m}" for m in args.modes] + ["qemu", HOST]
    results = []
    failures = []
    for wi, w in enumerate(workloads):
        name = w["name"]
        scale = w["quick"] if args.quick else w["default"]
        guest = str(binaries[(name, "riscv64")])
        native = str(binaries[(name, "native")])
        cmds = {f"vplat-{m}": [args.vplat, "user", f"--jit={m}", guest, str(scale)]
                for m in args.modes}
        cmds["qemu"] = [args.qemu, guest, str(scale)]
        cmds[HOST] = [native, str(scale)]

        # Untimed reference run: the native build's checksum is the truth
        # every emulated run must reproduce (the program also self-checks).
        progress.show(f"[{wi + 1}/{len(workloads)}] {name}: native reference run")
        _, ref, ref_err = run_once(name, HOST, [native, str(scale)], None, args.timeout)
        if "no expected checksum" in ref_err:
            progress.clear()
            sys.stderr.write(f"warning: {name} has no recorded checksum for scale {scale}; "
                             "checking against the native build only\n")

        times = {c: [] for c in configs}
        failed = {}
        for r in range(args.runs):
            for c in configs:
                if c in failed:
                    continue
                progress.show(f"[{wi + 1}/{len(workloads)}] {name} (scale {scale}): "
                              f"run {r + 1}/{args.runs} {c}")
                try:
                    wall, _, _ = run_once(name, c, cmds[c], ref, args.timeout)
                except RunFailure as f:
                    if not args.keep_going:
                        raise
                    progress.clear()
                    sys.stderr.write(f"FAILED: {f}\n")
                    failed[c] = f.reason.splitlines()[0]
                    failures.append({"workload": name, "config": c, "reason": f.reason})
                    continue
                times[c].append(wall)
            summary = "  ".join(f"{c} {fmt_secs(times[c][-1])}s" for c in configs
                                if c not in failed and times[c])
            progress.show(f"[{wi + 1}/{len(workloads)}] {name}: run {r + 1}/{args.runs} "
                          f"{summary}", step_done=True)
        med = {c: statistics.median(v) for c, v in times.items() if c not in failed and v}
        results.append({"workload": name, "scale": scale, "checksum": "0x" + ref,
                        "times": times, "median": med, "failed": failed})
    progress.clear()
    return configs, results, failures


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


def write_results_md(path, table, info, command, args, results, failures, when):
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
    md += "\n" + textwrap.fill(
        f"vplat modes: {mode_txt}. {args.runs} interleaved run(s) per workload and "
        f"configuration at {scale_txt}; times are median wall seconds. Ratios a/b "
        f"are speed ratios (t_b / t_a): `vplat-X/qemu` > 1 means vplat in mode X "
        f"is faster than qemu-riscv64; `vplat-X/{HOST}` is the fraction of native "
        f"host speed reached. See [README.md](README.md) for the workloads and how "
        f"to read these numbers.", width=76) + f"""

{table}

{spread_note(results)}
{failure_notes(failures)}
"""
    path.write_text(md)


# --------------------------------------------------------------------- main

def parse_args(argv):
    p = argparse.ArgumentParser(
        description="Build and run vplat's benchmark workloads against "
                    "qemu-riscv64 and native x86-64; print a markdown table.")
    p.add_argument("--modes", default="none",
                   help="comma-separated vplat --jit modes to measure, e.g. "
                        "none,native,llvm,tiered; '' runs only qemu and native "
                        "(default: none)")
    p.add_argument("--runs", type=int, default=5,
                   help="interleaved runs per workload and configuration (default 5)")
    p.add_argument("--quick", action="store_true",
                   help="1 run at each workload's quick scale (smallest >= 0.2 s in qemu)")
    p.add_argument("--only", default="",
                   help="comma-separated workload names to run (default: all)")
    p.add_argument("--vplat", default=None,
                   help="vplat binary (default: bazel-bin/vplat, else "
                        "bazel-bin/machine/vplat)")
    p.add_argument("--qemu", default="qemu-riscv64", help="qemu user-mode binary")
    p.add_argument("--timeout", type=float, default=300,
                   help="seconds before one run counts as hung (default 300)")
    p.add_argument("--keep-going", action="store_true",
                   help="on a failed run, mark that workload/config FAIL and carry "
                        "on (the exit status is still non-zero)")
    p.add_argument("--write-results", action="store_true",
                   help="rewrite bench/RESULTS.md with the table and machine details")
    p.add_argument("--json", metavar="FILE", help="also write all timings as JSON")
    p.add_argument("--build-only", action="store_true",
                   help="build the workloads and stop")
    args = p.parse_args(argv)
    args.modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    args.only = [w.strip() for w in args.only.split(",") if w.strip()]
    if args.vplat is None:
        # //:vplat is an alias of //machine:vplat; Bazel puts the file at
        # the real target's path.
        candidates = [REPO / "bazel-bin" / "vplat", REPO / "bazel-bin" / "machine" / "vplat"]
        found = [c for c in candidates if os.access(c, os.X_OK) and c.is_file()]
        args.vplat = str(found[0] if found else candidates[0])
    if args.quick:
        args.runs = 1
    if args.runs < 1:
        p.error("--runs must be at least 1")
    for m in args.modes:
        if not re.fullmatch(r"[a-z0-9_-]+", m):
            p.error(f"bad mode name {m!r}")
    return args


def main(argv):
    args = parse_args(argv)
    script = os.path.relpath(__file__)
    command = shlex.join(["python3", script, *argv])
    progress = Progress()
    try:
        workloads = discover(args.only)
        binaries = build(workloads, progress)
        progress.clear()
        if args.build_only:
            print(f"built {len(workloads)} workloads into {OUT_DIR}")
            return 0
        if args.modes and not os.access(args.vplat, os.X_OK):
            raise BenchError(f"vplat binary {args.vplat} not found or not executable; "
                             "build it (bazel build //:vplat), pass --vplat PATH, or "
                             "use --modes '' to measure only qemu and native")
        info = machine_info(args)
        when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        stamp_before = vplat_stamp(args)
        configs, results, failures = measure(args, workloads, binaries, progress)
        if vplat_stamp(args) != stamp_before:
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

    cols, geo = compute_ratios(args.modes, results)
    table = markdown_table(configs, args.modes, results, cols, geo)
    print(table)
    print(LEGEND)
    print(spread_note(results))
    notes = failure_notes(failures)
    if notes:
        print(notes)
    if args.write_results:
        write_results_md(RESULTS_MD, table, info, command, args, results, failures, when)
        sys.stderr.write(f"wrote {RESULTS_MD}\n")
    if args.json:
        doc = {
            "date": when, "command": command, "machine": info,
            "runs": args.runs, "quick": args.quick, "modes": args.modes,
            "configs": configs,
            "workloads": [{k: v for k, v in r.items()} for r in results],
            "geomean": geo, "failures": failures,
            "spread": {r["workload"]: {c: spread(r, c) for c in r["median"]}
                       for r in results},
        }
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(doc, indent=2) + "\n")
        sys.stderr.write(f"wrote {args.json}\n")
    if failures:
        sys.stderr.write(f"{len(failures)} run configuration(s) FAILED; see above\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
