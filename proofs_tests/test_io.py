"""Output destinations are checked before any work; files and figure sets appear whole or not at all."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time

import pytest
from infoscaling.numeric.cli import main
from infoscaling.numeric.errors import InputError
from infoscaling.numeric.io import (
    STAGING_PREFIX,
    atomic_write,
    check_output_dir,
    check_output_path,
    staged_dir,
)

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses /dev and /proc of Linux")


def _refused(fn, value, option, *fragments):
    with pytest.raises(InputError) as info:
        fn(value, option)
    msg = str(info.value)
    assert msg.startswith(option + ":") and info.value.argument == option, msg
    for f in fragments:
        assert f in msg, msg
    return msg


def test_regular_file_and_new_name_are_accepted(tmp_path):
    new = tmp_path / "report.json"
    assert check_output_path(str(new)) == new
    new.write_text("old")
    assert check_output_path(new, "--output") == new


def test_symlink_is_written_through(tmp_path):
    target = tmp_path / "real.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert check_output_path(link) == target.resolve()
    atomic_write(link, "new")
    assert link.is_symlink() and target.read_text() == "new"


@linux
@pytest.mark.parametrize("device", ["/dev/full", "/dev/null"])
def test_devices_are_refused_and_never_replaced(device, capsys):
    _refused(check_output_path, device, "--output", "device")
    with pytest.raises(InputError):
        atomic_write(device, "x")
    t0 = time.perf_counter()
    assert main(["verify", "--claims", "A9", "--output", device]) == 2
    assert time.perf_counter() - t0 < 5  # refused before the claims run
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--output" in err
    assert stat.S_ISCHR(os.stat(device).st_mode)  # still a device, not a regular file


def test_bad_destinations_are_refused(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    _refused(check_output_path, "", "--output", "non-empty")
    _refused(check_output_path, "   ", "--output", "non-empty")
    _refused(check_output_path, str(tmp_path), "--output", "directory")
    _refused(check_output_path, str(tmp_path / "fifo"), "--output", "special file")
    _refused(check_output_path, str(tmp_path / "missing" / "a.json"), "--output", "does not exist")
    _refused(check_output_path, str(tmp_path / "file.txt" / "a.json"), "--output")
    _refused(check_output_path, str(tmp_path / "newname") + "/", "--output", "not a folder")
    _refused(check_output_path, str(tmp_path / "dangling"), "--output", "dangling")
    _refused(check_output_path, str(tmp_path / "a\x00b"), "--output", "NUL")
    _refused(check_output_path, str(tmp_path / ("x" * 300)), "--output")
    _refused(check_output_path, str(tmp_path / "\udcff.txt"), "--output", "Unicode")
    _refused(check_output_path, None, "--output")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling", "fifo", "file.txt"]  # nothing created


@linux
def test_unwritable_folder_is_refused(tmp_path):
    _refused(check_output_path, "/proc/infoscaling-report.json", "--output", "writable folder")
    _refused(check_output_dir, "/proc/infoscaling-figures", "--output-dir", "writable")
    if os.geteuid() != 0:  # root writes into a 0o555 folder; /proc above covers that case
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o555)
        try:
            _refused(check_output_path, str(ro / "a.json"), "--output", "writable folder")
        finally:
            ro.chmod(0o755)


def test_atomic_write_turns_os_errors_into_input_errors(tmp_path):
    with pytest.raises(InputError, match="output"):
        atomic_write(tmp_path / "missing" / "a.txt", "x")
    if sys.platform.startswith("linux"):
        with pytest.raises(InputError, match="writable destination"):
            atomic_write("/proc/infoscaling-x.txt", "x")


def test_output_dir_rules(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    assert check_output_dir(tmp_path) == tmp_path
    assert check_output_dir(tmp_path / "new") == tmp_path / "new"
    _refused(check_output_dir, str(tmp_path / "file.txt"), "--output-dir", "not a folder")
    _refused(check_output_dir, str(tmp_path / "a" / "b"), "--output-dir", "does not exist")
    _refused(check_output_dir, "", "--output-dir", "non-empty")
    if sys.platform.startswith("linux"):
        _refused(check_output_dir, "/dev/null", "--output-dir", "not a folder")


def test_staged_dir_moves_the_finished_set(tmp_path):
    dest = tmp_path / "out"
    with pytest.raises(RuntimeError):
        with staged_dir(dest) as stage:
            (stage / "a.png").write_text("a")
            raise RuntimeError("killed half-way")
    assert not dest.exists() and list(tmp_path.iterdir()) == []
    with staged_dir(dest) as stage:
        (stage / "a.png").write_text("a")
        assert not dest.exists()
    assert [p.name for p in dest.iterdir()] == ["a.png"]
    (dest / "keep.txt").write_text("mine")
    with staged_dir(dest) as stage:
        (stage / "a.png").write_text("a2")
        assert (dest / "a.png").read_text() == "a"
    assert (dest / "a.png").read_text() == "a2" and (dest / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_stale_staging_of_a_dead_run_is_removed(tmp_path):
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(proc.stdout)
    stale = tmp_path / f"{STAGING_PREFIX}{dead}-abc"
    stale.mkdir()
    (stale / "half.png").write_text("x")
    with staged_dir(tmp_path / "out") as stage:
        (stage / "a.png").write_text("a")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("argv", [
    ["latex", "--output", "{d}"],
    ["sweep", "--dt", "6", "--eps", "0.5", "--from", "1e4", "--to", "1e5", "--points", "3", "--output", "{d}"],
    ["figures", "--quick", "--only", "de_curves", "--output-dir", "{d}/file.txt"],
    ["verify", "--claims", "A9", "--output", ""],
])
def test_commands_refuse_bad_outputs_before_work(tmp_path, capsys, argv):
    (tmp_path / "file.txt").write_text("x")
    argv = [a.replace("{d}", str(tmp_path)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--output" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_figures_killed_midway_leave_no_figures(tmp_path):
    dest = tmp_path / "figs"
    proc = subprocess.Popen([sys.executable, "-m", "infoscaling", "figures", "--quick", "--output-dir", str(dest),
                             "--only", "de_curves,giant,emergence"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:  # wait for the first finished figure
            if any(p.is_file() for s in tmp_path.glob(STAGING_PREFIX + "*") for p in s.iterdir()):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "figures finished before it could be killed"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert not dest.exists()
    assert not [p for p in tmp_path.rglob("*") if p.suffix in (".png", ".csv") and STAGING_PREFIX not in str(p)]
    # the next run clears the dead run's staging folder and delivers the whole set
    assert main(["figures", "--quick", "--only", "de_curves", "--output-dir", str(dest)]) == 0
    assert sorted(p.name for p in dest.iterdir()) == ["de_curves.csv", "de_curves.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figs"]
