#!/usr/bin/env python3
"""lockstep.py - run a static riscv64 program under qemu-riscv64 and vplat one
instruction at a time and report the first instruction where they differ.

Both emulators log the register state before every instruction:

    qemu-riscv64 -singlestep -d cpu,fpu -D qemu.log PROG ARGS...
    vplat user --singlestep -d cpu,fpu -D vplat.log PROG ARGS...

(both print the same format; see
frontends/riscv/rv_dump.c).  The logs are parsed as streams of states; a
state starts at a `pc` entry and collects every following `name value`
pair (x0/zero ... x31/t6, f0/ft0 ... f31/ft11, and any CSR lines a qemu
build may add).  Lines that are not register dumps are ignored.  State i is
the state before instruction i, so a register that differs in state i was
written wrongly by instruction i-1.

Usage:
    lockstep.py [options] PROG [ARGS...]          run both, then compare
    lockstep.py [options] --compare QLOG VLOG     compare two existing logs

Options:
    --vplat PATH        vplat binary (default: <repo>/bazel-bin/vplat, else
                        <repo>/bazel-bin/machine/vplat)
    --qemu PATH         qemu-riscv64 binary (default: from PATH)
    --max-insns N       compare at most N instructions
    --skip N            do not compare the first N states (e.g. the loader's
                        initial sp before _start replaces it)
    --ignore REGS       comma list of registers never compared (x2, sp, f10, ...)
    --context N         instructions of context to print (default 6)
    --prog PATH         program to disassemble for context (with --compare)
    --keep DIR          write the logs into DIR and keep them
    --timeout SECONDS   per emulator run (default 300)

Exit status: 0 identical, 1 divergence, 2 usage or run error.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

def short_name(token):
    """'x10/a0' -> 'x10', 'f8/fs0' -> 'f8', 'pc' -> 'pc', 'mstatus' -> 'mstatus'."""
    return token.split("/", 1)[0].lower()


def read_states(path):
    """Yields one state per `pc` entry as the tuple of its raw register lines.

    Register lines are indented by one space and consist only of
    `name value` pairs; anything else (IN:, Trace, messages, qemu's
    `V = 0` line) is skipped.  Raw lines are kept so that identical states
    compare as strings; only differing states are parsed (parse_state)."""
    block = None
    with open(path, "r", errors="replace") as f:
        for line in f:
            if not line.startswith(" "):
                continue
            toks = line.split()
            if not toks or len(toks) % 2:
                continue
            if toks[0] == "pc":
                if block is not None:
                    yield tuple(block)
                block = []
            if block is not None:
                block.append(line.rstrip("\n"))
    if block is not None:
        yield tuple(block)


def parse_state(block):
    """Raw lines -> dict: short name -> (display name, int value)."""
    state = {}
    for line in block:
        toks = line.split()
        for tok, val in zip(toks[0::2], toks[1::2]):
            try:
                state[short_name(tok)] = (tok, int(val, 16))
            except ValueError:
                state[short_name(tok)] = (tok, val)   # malformed: compared as text
    return state


def reg_sort_key(key):
    m = re.match(r"([a-z]+)(\d+)$", key)
    order = {"pc": 0, "x": 1, "f": 2}
    if key == "pc":
        return (0, 0, key)
    if m and m.group(1) in ("x", "f"):
        return (order[m.group(1)], int(m.group(2)), key)
    return (3, 0, key)


def expand_ignore(spec):
    """Accepts x/f numbers and ABI names (sp, a0, fa0, ...)."""
    abi = {}
    xn = ["zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1"] + \
         ["a%d" % i for i in range(8)] + ["s%d" % i for i in range(2, 12)] + \
         ["t3", "t4", "t5", "t6"]
    fn = ["ft%d" % i for i in range(8)] + ["fs0", "fs1"] + ["fa%d" % i for i in range(8)] + \
         ["fs%d" % i for i in range(2, 12)] + ["ft%d" % i for i in range(8, 12)]
    for i, n in enumerate(xn):
        abi[n] = "x%d" % i
    for i, n in enumerate(fn):
        abi[n] = "f%d" % i
    abi["fp"] = "x8"
    out = set()
    for item in (spec or "").split(","):
        item = item.strip().lower()
        if item:
            out.add(abi.get(item, item))
    return out


class Disassembly:
    """pc -> 'insn text' from objdump, if an objdump for riscv64 exists."""

    def __init__(self, prog):
        self.lines = {}
        if not prog:
            return
        for tool in ("riscv64-linux-gnu-objdump", "llvm-objdump", "objdump"):
            exe = shutil.which(tool)
            if not exe:
                continue
            try:
                out = subprocess.run([exe, "-d", prog], capture_output=True, text=True,
                                     timeout=60).stdout
            except (OSError, subprocess.SubprocessError):
                continue
            for l in out.splitlines():
                m = re.match(r"\s*([0-9a-f]+):\s+(?:[0-9a-f]{4,8}\s+)+(.*)$", l)
                if m:
                    self.lines[int(m.group(1), 16)] = m.group(2).strip()
            if self.lines:
                break

    def text(self, pc):
        return self.lines.get(pc, "")


def compare(qlog, vlog, args, prog=None):
    ignore = expand_ignore(args.ignore)
    ctx_n = args.context
    history = []          # (index, pc) of the last states, for context
    n = 0
    qs = read_states(qlog)
    vs = read_states(vlog)
    while True:
        if args.max_insns is not None and n >= args.max_insns:
            print("lockstep: %d instructions identical (stopped at --max-insns)" % n)
            return 0
        qb = next(qs, None)
        vb = next(vs, None)
        if qb is None and vb is None:
            print("lockstep: %d instructions identical" % n)
            return 0
        if qb is None or vb is None:
            state = parse_state(vb if qb is None else qb)
            pc = state.get("pc", ("pc", 0))[1]
            report_header(n, pc, "the %s log ends here (%d states); the %s log goes on" %
                          ("qemu" if qb is None else "vplat", n,
                           "vplat" if qb is None else "qemu"))
            print_context(history, pc, n, prog)
            return 1
        pc_q = None
        if qb != vb and n >= args.skip:
            q = parse_state(qb)
            v = parse_state(vb)
            pc_q = q.get("pc", ("pc", 0))[1]
            pc_q = pc_q if isinstance(pc_q, int) else 0
            diffs = []
            for key in sorted(set(q) | set(v), key=reg_sort_key):
                if key in ignore:
                    continue
                if key not in q or key not in v:
                    # Only one side prints it (e.g. qemu without fpu): not comparable.
                    continue
                if q[key][1] != v[key][1]:
                    diffs.append((q[key][0], q[key][1], v[key][1]))
            if diffs:
                report_header(n, pc_q, "%d register(s) differ" % len(diffs))
                for name, a, b in diffs:
                    print("  %-8s qemu %s  vplat %s" % (name, fmt_val(a), fmt_val(b)))
                if "pc" in q and "pc" in v and q["pc"][1] != v["pc"][1]:
                    print("  (pc differs: the previous instruction jumped differently)")
                print_context(history, pc_q, n, prog)
                return 1
        if pc_q is None:
            toks = qb[0].split() if qb else []
            pc_q = int(toks[1], 16) if len(toks) > 1 else 0
        history.append((n, pc_q))
        if len(history) > ctx_n:
            history.pop(0)
        n += 1


def fmt_val(v):
    return "%016x" % v if isinstance(v, int) else repr(v)


def report_header(n, pc, what):
    print("lockstep: DIVERGENCE before instruction #%d (pc %016x): %s" % (n, pc, what))


_disasm_cache = {}


def print_context(history, pc, n, prog):
    if prog not in _disasm_cache:
        _disasm_cache[prog] = Disassembly(prog)
    dis = _disasm_cache[prog]
    print("  context (state i is before instruction i; the last one listed wrote the values):")
    for idx, hpc in history:
        print("    #%-8d %016x  %s" % (idx, hpc, dis.text(hpc)))
    print("  > #%-8d %016x  %s" % (n, pc, dis.text(pc)))


def run_both(args, workdir):
    qlog = os.path.join(workdir, "qemu.log")
    vlog = os.path.join(workdir, "vplat.log")
    for p in (qlog, vlog):
        if os.path.exists(p):
            os.unlink(p)
    runs = [
        ("qemu", [args.qemu, "-singlestep", "-d", "cpu,fpu", "-D", qlog, args.prog] + args.args),
        ("vplat", [args.vplat, "user", "--singlestep", "-d", "cpu,fpu", "-D", vlog, args.prog] +
         args.args),
    ]
    outputs = {}
    for name, cmd in runs:
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=args.timeout, env={"LANG": "C"})
        except FileNotFoundError:
            print("lockstep: cannot run %s: %s not found" % (name, cmd[0]))
            return None
        except subprocess.TimeoutExpired:
            print("lockstep: %s timed out after %ss" % (name, args.timeout))
            return None
        outputs[name] = (r.returncode, r.stdout)
    if outputs["qemu"] != outputs["vplat"]:
        print("lockstep: note: stdout or exit status differ (qemu rc=%d, vplat rc=%d)" %
              (outputs["qemu"][0], outputs["vplat"][0]))
    for name, path in (("qemu", qlog), ("vplat", vlog)):
        if not os.path.exists(path):
            print("lockstep: %s wrote no log (%s)" % (name, path))
            return None
    return qlog, vlog


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.abspath(os.path.join(here, "..", ".."))
    ap = argparse.ArgumentParser(
        description="Compare qemu-riscv64 and vplat instruction by instruction.")
    default_vplat = os.path.join(repo, "bazel-bin", "vplat")
    if not os.path.exists(default_vplat):
        # //:vplat is an alias of //machine:vplat.
        alt = os.path.join(repo, "bazel-bin", "machine", "vplat")
        default_vplat = alt if os.path.exists(alt) else default_vplat
    ap.add_argument("--vplat", default=default_vplat)
    ap.add_argument("--qemu", default="qemu-riscv64")
    ap.add_argument("--max-insns", type=int, default=None)
    ap.add_argument("--skip", type=int, default=0)
    ap.add_argument("--ignore", default="")
    ap.add_argument("--context", type=int, default=6)
    ap.add_argument("--compare", nargs=2, metavar=("QEMU_LOG", "VPLAT_LOG"))
    ap.add_argument("--prog", default=None)
    ap.add_argument("--keep", default=None)
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("prog_and_args", nargs=argparse.REMAINDER)
    args = ap.parse_args()

    if args.compare:
        for p in args.compare:
            if not os.path.exists(p):
                print("lockstep: no such log: %s" % p)
                return 2
        return compare(args.compare[0], args.compare[1], args, args.prog)

    if not args.prog_and_args:
        ap.print_usage()
        return 2
    args.prog = args.prog_and_args[0]
    args.args = args.prog_and_args[1:]
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        logs = run_both(args, args.keep)
        return 2 if logs is None else compare(logs[0], logs[1], args, args.prog)
    with tempfile.TemporaryDirectory(prefix="lockstep.",
                                     dir=os.environ.get("TEST_TMPDIR")) as d:
        logs = run_both(args, d)
        return 2 if logs is None else compare(logs[0], logs[1], args, args.prog)


if __name__ == "__main__":
    sys.exit(main())
