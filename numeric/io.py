"""Output files: destinations checked before any work, written atomically.

* :func:`check_output_path` -- called by every command option naming an output
  file (``--output``) *before* the command computes anything: the destination
  must be a regular file or a new name in an existing, writable folder.
  Device nodes (``/dev/full``, ``/dev/stdout``), directories, FIFOs, empty
  names, missing folders and read-only folders are refused with an
  :class:`~infoscaling.numeric.errors.InputError` naming the option.
* :func:`check_output_dir` -- the same for an output folder (``--output-dir``):
  an existing writable folder or a new name in one.
* :func:`atomic_write` -- a temporary file in the same folder, then a rename:
  a failed or killed run leaves no half-written file.
* :func:`staged_dir` -- a temporary folder beside the destination folder whose
  finished contents are moved into place at the end (a set of files such as
  the figures appears whole or not at all).
* :func:`cache_base` -- the user's cache folder of the tool (derived code,
  scheduling hints), or None when caching is disabled.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from .errors import input_error

__all__ = ["atomic_write", "cache_base", "check_output_path", "check_output_dir", "staged_dir"]

#: Prefix of the staging folders of :func:`staged_dir` (hidden, beside the destination).
STAGING_PREFIX = ".infoscaling-staging-"


def cache_base() -> Path | None:
    """The tool's cache folder, or None when caching is disabled.

    ``$INFOSCALING_CACHE_DIR`` when set (the empty string disables every cache),
    else ``$XDG_CACHE_HOME/infoscaling`` (``~/.cache/infoscaling``); None when
    there is no home folder.  Nothing is created here: writers create it and
    treat a folder they cannot write as "no cache".
    """
    env = os.environ.get("INFOSCALING_CACHE_DIR")
    if env is not None and env.strip() == "":
        return None
    if env:
        return Path(env)
    try:
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "infoscaling"
    except RuntimeError:  # no home folder: run without a cache
        return None


def _probe_writable(folder: Path, option: str, value) -> None:
    """Create and remove a temporary file in ``folder``: the only reliable test (read-only mounts, ACLs, root)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".infoscaling-probe-", dir=folder)
    except OSError as exc:
        raise input_error(option, value, f"a file in a writable folder ({folder}: {exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(tmp)


def _as_path(value, option: str) -> Path:
    if value is None or not isinstance(value, (str, os.PathLike)):
        raise input_error(option, value, "a file name")
    text = os.fspath(value)
    if isinstance(text, bytes) or not text.strip():
        raise input_error(option, value, "a non-empty file name")
    if "\x00" in text:
        raise input_error(option, value, "a file name without NUL characters")
    try:
        text.encode("utf-8")  # a name the file system can store (lone surrogates cannot be)
    except UnicodeEncodeError:
        raise input_error(option, value, "a file name of valid Unicode characters") from None
    return Path(text)


def _stat(path: Path, option: str, value):
    try:
        return path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:  # ENAMETOOLONG, ELOOP, ENOTDIR, EACCES...
        raise input_error(option, value, f"a usable path ({exc.strerror or exc})") from None


def check_output_path(value, option: str = "--output") -> Path:
    """Check an output file destination before any work starts; return the path to write.

    Parameters
    ----------
    value : str or path-like
        The destination given by the user.
    option : str
        The option it came from (named in the error).

    Returns
    -------
    Path
        The path to write: ``value``, or the file a symbolic link points to (the link is kept).

    Raises
    ------
    InputError
        Empty name; an existing directory, device, FIFO or socket; a missing folder; a folder
        in which a file cannot be created (permissions, read-only file system); a name too long.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     check_output_path(os.path.join(d, "report.json")).name
    'report.json'
    >>> check_output_path("/dev/full")
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.InputError: --output: got '/dev/full'; allowed: a regular file or a new file name (it is a device or special file)
    >>> check_output_path("")
    Traceback (most recent call last):
    ...
    infoscaling.numeric.errors.InputError: --output: got ''; allowed: a non-empty file name
    """
    path = _as_path(value, option)
    st = _stat(path, option, value)
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise input_error(option, value, "a regular file or a new file name (it is a directory)")
        if not stat.S_ISREG(st.st_mode):
            raise input_error(option, value, "a regular file or a new file name (it is a device or special file)")
        path = Path(os.path.realpath(path))  # write through a symbolic link, not over it
    elif path.is_symlink():
        raise input_error(option, value, "a regular file or a new file name (it is a dangling symbolic link)")
    elif str(value).endswith(("/", os.sep)):
        raise input_error(option, value, "a file name, not a folder")
    folder = path.parent
    fst = _stat(folder, option, value)
    if fst is None:
        raise input_error(option, value, f"a file in an existing output folder ({folder} does not exist)")
    if not stat.S_ISDIR(fst.st_mode):
        raise input_error(option, value, f"a file in an existing output folder ({folder} is not a folder)")
    _probe_writable(folder, option, value)
    if len(path.name.encode("utf-8", "surrogateescape")) > 200:  # room for the temporary name's affixes
        raise input_error(option, value, "a file name of at most 200 bytes")
    return path


def check_output_dir(value, option: str = "--output-dir") -> Path:
    """Check an output folder before any work starts: an existing writable folder or a new name in one.

    Raises
    ------
    InputError
        Empty name; an existing non-folder (file, device); a missing parent folder; a folder
        (or parent) in which files cannot be created.
    """
    path = _as_path(value, option)
    st = _stat(path, option, value)
    if st is not None:
        if not stat.S_ISDIR(st.st_mode):
            raise input_error(option, value, "a folder or a new folder name (it exists and is not a folder)")
        _probe_writable(path, option, value)
        parent = Path(os.path.realpath(path)).parent
    else:
        if path.is_symlink():
            raise input_error(option, value, "a folder or a new folder name (it is a dangling symbolic link)")
        parent = Path(os.path.abspath(path)).parent
        pst = _stat(parent, option, value)
        if pst is None or not stat.S_ISDIR(pst.st_mode):
            raise input_error(option, value, f"a new folder in an existing folder ({parent} does not exist)")
    _probe_writable(parent, option, value)  # the staging folder of staged_dir lives beside it
    if len(path.name.encode("utf-8", "surrogateescape")) > 200:
        raise input_error(option, value, "a folder name of at most 200 bytes")
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_staging(parent: Path) -> None:
    """Remove staging folders left behind by killed runs (their process is gone)."""
    for p in parent.glob(STAGING_PREFIX + "*"):
        try:
            pid = int(p.name[len(STAGING_PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if p.is_dir() and not _pid_alive(pid):
            shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def staged_dir(destination):
    """Yield a temporary folder; on success move its files into ``destination``.

    The temporary folder is created beside ``destination`` (same file system, so the
    moves are renames).  When ``destination`` does not exist yet the whole folder is
    renamed into place at once; otherwise each file is renamed over its old version.
    On an exception the temporary folder is removed and ``destination`` is untouched;
    a run killed outright leaves only the hidden staging folder, which the next run
    removes.

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with staged_dir(os.path.join(d, "out")) as tmp:
    ...         _ = (tmp / "a.txt").write_text("x")
    ...         assert not os.path.exists(os.path.join(d, "out"))
    ...     sorted(os.listdir(d)), os.listdir(os.path.join(d, "out"))
    (['out'], ['a.txt'])
    """
    dest = Path(destination)
    parent = Path(os.path.abspath(dest)).parent
    _remove_stale_staging(parent)
    tmp = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield tmp
        if not dest.exists():
            os.chmod(tmp, 0o777 & ~_umask())
            os.rename(tmp, dest)
            return
        for f in sorted(tmp.iterdir()):
            os.replace(f, dest / f.name)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def atomic_write(path, data: str | bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, then rename).

    Raises
    ------
    InputError
        If the folder of ``path`` does not exist, ``path`` is not a regular file, or the
        file system refuses the write (full, read-only): the destination is unusable.
    """
    path = Path(path)
    if path.is_symlink():  # replace the file the link points to, keep the link
        path = Path(os.path.realpath(path))
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not path.is_file():  # never replace a device node, FIFO or folder
        raise input_error("output", str(path), "a regular file or a new file name")
    if not folder.is_dir():
        raise input_error("output", str(path), f"a file in an existing output folder ({folder} does not exist)")
    mode = "wb" if isinstance(data, bytes) else "w"
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise input_error("output", str(path), f"a writable destination ({exc.strerror or exc})") from None
    try:
        # mkstemp creates 0600 files; give the output the permissions a plain open() would
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise input_error("output", str(path), f"a writable destination ({exc.strerror or exc})") from None
        raise
    return path
