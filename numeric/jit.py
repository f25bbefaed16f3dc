"""Compiled (numba) kernels: cached on disk, and a one-line note when they must be compiled.

Every kernel of the simulators is ``numba.njit(cache=True)``: the machine code
is written next to the module (``__pycache__/*.nbi``, ``*.nbc``; numba falls
back to a per-user folder when that is read-only) and later processes load it
in milliseconds.  The first run after an install or an edit compiles them,
which takes several seconds; :func:`note_if_compiling` says so on stderr, in
one line, before the wait (never on stdout, so ``--json`` output stays clean).

The first kernel a process calls initialises numba's CPU target, which imports
every lowering module of numba; one of them (``numba.np.arraymath``) imports
``scipy.linalg`` only to record whether BLAS is available for ``np.correlate``
and ``np.convolve``.  That import costs about a quarter of a second of CPU
(SciPy's array-API layer touches NumPy's lazy ``f2py``, ``testing``, ``ma``,
``fft``), a third of the simulators' start-up; no kernel of this package uses
BLAS.  :func:`without_scipy` keeps SciPy out while the target is initialised.

Small C kernels (the peeling simulator's, :mod:`numeric.peeling_c`) are
compiled on first use by :func:`load_c` with the system's C compiler
(``$CC``, else Python's own ``CC``, else ``cc``) into the same kind of
on-disk cache, and loaded with ``ctypes`` in about a millisecond.  No
compiler: :func:`load_c` returns None and the caller uses its numba kernels.
"""

from __future__ import annotations

import contextlib
import os
import sys

__all__ = ["is_cached", "note_if_compiling", "without_scipy", "load_c", "c_cache_path", "LazyNumba",
           "kernel_choice", "KERNEL_CHOICES", "CLibrary", "array_address"]

#: Flags of every C kernel library (part of the cache key).
C_FLAGS = ("-O2", "-std=c99", "-shared", "-fPIC")

#: Kernel implementations: "auto" (C when it compiles, else numba), "c" or "numba".
KERNEL_CHOICES = ("auto", "c", "numba")


def kernel_choice(value: str | None = None, where: str = "INFOSCALING_KERNELS") -> str:
    """The kernel implementation asked for: ``value``, else the environment variable ``INFOSCALING_KERNELS``.

    The variable defaults to ``auto``.

    Raises
    ------
    InputError
        Naming ``where`` (the variable, or the caller's argument name) when the
        choice is anything else than one of :data:`KERNEL_CHOICES`.
    """
    if value is None:
        value = os.environ.get("INFOSCALING_KERNELS", "auto")
    if value not in KERNEL_CHOICES:
        from .errors import input_error

        raise input_error(where, value, "one of " + ", ".join(KERNEL_CHOICES))
    return value


def is_cached(dispatcher) -> bool:
    """True when numba's on-disk cache holds a valid index for ``dispatcher``.

    The index is read with numba's own loader, which discards it when the
    module's source changed since it was written.  Unknown cache layouts count
    as cached (no note rather than a wrong one).
    """
    try:
        return bool(dispatcher._cache._cache_file._load_index())
    except (AttributeError, OSError, EOFError, ValueError):  # not a caching dispatcher / other numba
        return True


def note_if_compiling(dispatchers, what: str, stream=None) -> bool:
    """Print one stderr line when any of ``dispatchers`` has no valid on-disk cache.

    Returns True when the note was printed.
    """
    if all(is_cached(d) for d in dispatchers):
        return False
    print(f"infoscaling: note: compiling the {what} kernels (first run only; cached on disk for later runs)",
          file=stream or sys.stderr)
    return True


class _RefuseScipy:
    """Meta-path finder refusing ``scipy`` and its sub-modules (installed by :func:`without_scipy`)."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError(f"{name} is kept out of numba's start-up", name=name)
        return None


@contextlib.contextmanager
def without_scipy():
    """Initialise numba's runtime (call the first kernels) inside this block to keep SciPy out.

    While the block runs, importing a SciPy module not yet imported fails with
    ``ModuleNotFoundError`` (``import numba`` itself imports the top-level
    ``scipy`` package, cheaply, to check its version); numba then records "no
    BLAS" for ``np.correlate`` / ``np.convolve`` (their loop implementation is
    used if a later kernel of the process compiles them; ``np.dot`` and
    ``np.linalg`` still import SciPy when they are compiled).  Does nothing
    when ``scipy.linalg`` is already imported (nothing to save, and numba's
    record stays as usual).  The finder is removed on exit, so later imports
    of SciPy work.

    Examples
    --------
    >>> with without_scipy():
    ...     pass
    >>> any(isinstance(f, _RefuseScipy) for f in sys.meta_path)
    False
    """
    if "scipy.linalg" in sys.modules:
        yield
        return
    finder = _RefuseScipy()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def _c_dirs() -> list[str]:
    """Cache folders for compiled C kernels, preferred first: next to the package, then the tool's cache
    folder (:func:`infoscaling.numeric.io.cache_base`: ``$INFOSCALING_CACHE_DIR``, ``~/.cache/infoscaling``;
    none when it is disabled)."""
    from .io import cache_base

    base = cache_base()
    return [os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__")] + \
        ([] if base is None else [str(base)])


def c_cache_path(source: str, name: str, folder: str | None = None) -> str:
    """Where the library of ``source`` is cached (its name carries a hash of source, flags, platform)."""
    import hashlib
    import platform

    key = "\0".join((source, " ".join(C_FLAGS), sys.platform, platform.machine()))
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    ext = ".dylib" if sys.platform == "darwin" else ".so"
    return os.path.join(folder or _c_dirs()[0], f"infoscaling_{name}_{digest}{ext}")


def _compiler() -> list[str] | None:
    import shlex
    import shutil
    import sysconfig

    for cmd in (os.environ.get("CC"), sysconfig.get_config_var("CC"), "cc", "gcc", "clang"):
        if cmd:
            argv = shlex.split(cmd)
            if argv and shutil.which(argv[0]):
                return argv
    return None


def _compile_c(source: str, target: str, stream) -> str:
    """Compile ``source`` into the shared library ``target`` (atomic rename).

    Returns ``"ok"``, ``"failed"`` (the compiler rejected it; its error is
    noted on ``stream``) or ``"unwritable"`` (the folder cannot be used).
    """
    import subprocess
    import tempfile

    cc = _compiler()
    folder = os.path.dirname(target)
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=folder, prefix=".build-") as tmp:
            src = os.path.join(tmp, "kernels.c")
            out = os.path.join(tmp, os.path.basename(target))
            with open(src, "w") as fh:
                fh.write(source)
            proc = subprocess.run([*cc, *C_FLAGS, "-o", out, src], capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                print(f"infoscaling: note: the C compiler {cc[0]} failed: {proc.stderr.strip()[:500]}",
                      file=stream)
                return "failed"
            os.replace(out, target)  # atomic: a concurrent process sees no or a whole library
    except (OSError, subprocess.SubprocessError):
        return "unwritable"
    return "ok"


class CLibrary:
    """A C kernel library loaded on first use: :func:`load_c` of ``source``, then ctypes signatures.

    ``signatures`` maps each function name to ``(restype, argtypes)``.  The
    load is tried once per process; :meth:`get` returns the ``CDLL`` or None
    (no compiler: the caller uses its numba twins).
    """

    def __init__(self, source: str, name: str, signatures: dict):
        self.source, self.name, self.signatures = source, name, signatures
        self._tried = False
        self._lib = None

    def get(self):
        if not self._tried:
            lib = load_c(self.source, self.name)
            if lib is not None:
                for fn_name, (res, args) in self.signatures.items():
                    fn = getattr(lib, fn_name)
                    fn.restype, fn.argtypes = res, args
            self._lib, self._tried = lib, True
        return self._lib

    def available(self) -> bool:
        """True when the library is compiled (or cached) and loaded."""
        return self.get() is not None


def array_address(a, dtype) -> int:
    """Address of the data of ``a`` for a C kernel, after checking it is a contiguous 1-d ``dtype`` array.

    Raises
    ------
    TypeError
        Another dtype, a non-contiguous array or another number of dimensions
        (the kernel would read the wrong memory).
    """
    if a.dtype != dtype or not a.flags.c_contiguous or a.ndim != 1:
        raise TypeError(f"C kernel argument: expected a contiguous 1-d {getattr(dtype, '__name__', dtype)} array, "
                        f"got {a.dtype} {a.shape}")
    return a.ctypes.data


def load_c(source: str, name: str, stream=None):
    """The ``ctypes.CDLL`` of C ``source``, compiled on first use and cached on disk; None without a compiler.

    The first call on a machine (or after ``source`` changed) compiles it
    with :data:`C_FLAGS` and says so in one stderr line; later processes load
    the cached library.  Returns None (the caller falls back to its numba
    kernels) when no C compiler is found, compilation fails (its error is
    noted on stderr), or the platform is Windows.
    """
    import ctypes

    if sys.platform == "win32":
        return None
    stream = stream or sys.stderr
    dirs = _c_dirs()
    for folder in dirs:
        path = c_cache_path(source, name, folder)
        if os.path.exists(path):
            try:
                return ctypes.CDLL(path)
            except OSError:  # unloadable (e.g. built for another machine sharing the folder): rebuild it
                pass
    if _compiler() is None:
        return None
    print(f"infoscaling: note: compiling the {name} C kernels (first run only; cached on disk for later runs)",
          file=stream)
    for folder in dirs:
        path = c_cache_path(source, name, folder)
        status = _compile_c(source, path, stream)
        if status == "ok":
            return ctypes.CDLL(path)
        if status == "failed":
            return None
    return None


class LazyNumba:
    """``numba.njit(cache=True)`` for a module's kernels, applied (and numba imported) on first use.

    Decorate module-level functions with :meth:`kernel`; the first call of any
    of them (or :meth:`load`) imports numba and rebinds every registered name
    in the module's namespace to its dispatcher at once, so kernels calling
    each other see dispatchers when numba compiles them.  The on-disk cache
    is numba's own (the functions are the module's, as with the decorator).
    A module whose processes never call a numba kernel never imports numba.
    """

    def __init__(self, namespace: dict):
        self._ns = namespace
        self._names: list[str] = []
        self._loaded = False

    def kernel(self, fn):
        """Register ``fn``; returns a stand-in that loads all kernels when called."""
        self._names.append(fn.__name__)
        return _LazyKernel(self, fn)

    def load(self) -> dict:
        """Import numba and compile-or-load-lazily every kernel; returns ``{name: dispatcher}``."""
        if not self._loaded:
            import numba

            for name in self._names:
                stand_in = self._ns[name]
                self._ns[name] = numba.njit(cache=True)(stand_in.py_func)
            self._loaded = True
        return {name: self._ns[name] for name in self._names}


class _LazyKernel:
    def __init__(self, owner: LazyNumba, fn):
        self._owner = owner
        self.py_func = fn
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__

    def __call__(self, *args):
        return self._owner.load()[self.__name__](*args)
