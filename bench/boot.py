"""boot.py — boot-to-poweroff time of the virt board, vplat against
qemu-system-riscv64 with the same firmware, kernel and initramfs (the guest
images from scripts/build-guest.sh, in test mode: init runs its checks and
powers off).  Used by run.py (--boot); runs are interleaved like the user-mode
workloads, and a boot that does not reach the power-off with /bin/hello's
exit status 0 fails the run instead of posting a time.
"""
import os
import re
import statistics
import subprocess
import time
from pathlib import Path

FIRMWARE = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
APPEND = "console=ttyS0 vplat.test=1"
MARKERS = ("VPLAT-HELLO-END status=0", "reboot: Power down")


def guest_dir(root):
    return Path(os.environ.get("VPLAT_GUEST_DIR", root / "out" / "guest"))


def images(root):
    d = guest_dir(root)
    kernel, initrd = d / "Image", d / "initramfs.cpio.gz"
    if kernel.is_file() and initrd.is_file() and Path(FIRMWARE).is_file():
        return kernel, initrd
    return None


def board_args(kernel, initrd):
    return ["-M", "virt", "-m", "256M", "-nographic", "-bios", FIRMWARE,
            "-kernel", str(kernel), "-initrd", str(initrd), "-append", APPEND]


def system_modes(vplat, modes):
    """The --jit modes whose system mode vplat accepts (it refuses the
    others on the command line with exit status 2)."""
    ok, refused = [], {}
    for m in modes:
        res = subprocess.run([vplat, "system", f"--jit={m}", "-M", "virt,dumpdtb=/dev/null"],
                             capture_output=True, text=True, timeout=60)
        if res.returncode == 0:
            ok.append(m)
        else:
            refused[m] = (res.stderr.strip().splitlines() or ["refused"])[0]
    return ok, refused


def boot_once(cmd, timeout):
    """Wall seconds of one boot; raises RuntimeError unless it powered off
    cleanly with every marker on the console."""
    t0 = time.monotonic()
    try:
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"boot timed out after {timeout} s")
    secs = time.monotonic() - t0
    out = res.stdout.decode(errors="replace").replace("\r", "")
    missing = [m for m in MARKERS if m not in out]
    if res.returncode != 0 or missing:
        tail = "\n".join(out.strip().splitlines()[-5:])
        raise RuntimeError(f"exit status {res.returncode}, missing {missing}; console tail:\n{tail}")
    return secs


def measure_boot(root, vplat, modes, runs, qemu_system, progress, timeout=300):
    """Returns (rows, notes): rows = [(config, median_s, ratio_to_qemu)]."""
    imgs = images(root)
    if not imgs:
        return None, ["boot: skipped: no guest images (run scripts/build-guest.sh) or no OpenSBI"]
    kernel, initrd = imgs
    sys_modes, refused = system_modes(vplat, modes)
    notes = [f"boot: `--jit={m}` not measured: {why}" for m, why in refused.items()]
    configs = [("qemu-system", [qemu_system, *board_args(kernel, initrd)])]
    for m in sys_modes:
        configs.append((f"vplat-{m}", [vplat, "system", f"--jit={m}", *board_args(kernel, initrd)]))
    times = {name: [] for name, _ in configs}
    for r in range(runs):
        for name, cmd in configs:
            progress.show(f"boot {r + 1}/{runs}: {name}")
            try:
                times[name].append(boot_once(cmd, timeout))
            except RuntimeError as e:
                raise RuntimeError(f"boot under {name} failed: {e}")
    med = {name: statistics.median(ts) for name, ts in times.items()}
    rows = [(name, med[name], med["qemu-system"] / med[name]) for name, _ in configs]
    return rows, notes


def boot_table(rows):
    lines = ["| configuration | median boot-to-poweroff (s) | speed vs qemu-system-riscv64 |",
             "|---|---:|---:|"]
    for name, secs, ratio in rows:
        lines.append(f"| {name} | {secs:.2f} | {ratio:.2f} |")
    return "\n".join(lines)


BOOT_LEGEND = (
    "Boot to power-off of the virt board with Debian's OpenSBI fw_dynamic.bin, the "
    "Linux 6.1 Image and busybox initramfs from scripts/build-guest.sh, booted in test "
    "mode (init prints uname, /proc/cpuinfo, runs /bin/hello and powers off), 256 MiB "
    "RAM; interleaved runs, median wall time.  Speed > 1 means faster than "
    "qemu-system-riscv64 (TCG) on the same files.")
