"""The campaign store: one SQLite file, one row per finished chunk.

Schema (version :data:`SCHEMA_VERSION`)
---------------------------------------
``schema_version(version, written_by)``
    one row; a store of another version is refused (never migrated silently).
``campaigns(id, kind, spec, seed, grid, trials, created)``
    one row per (simulation kind, canonical spec, root seed); ``grid`` is the
    canonical JSON of the grid (:meth:`Grid.definition`), ``trials`` the
    largest number of trials per point asked for so far.  Several campaigns
    (other seeds, other ensembles) share a store.
``points(id, campaign, n, eps, point_seed, chunk)``
    one row per grid point, with its derived seed and its chunk size.
``chunks(point, idx, start, count, failures, data, seconds)``
    one row per finished chunk, primary key (point, chunk index): that is, the
    key (spec, n, eps, seed, chunk index).  ``data`` holds the per-trial
    results of trials ``start .. start+count-1`` (zlib-compressed
    little-endian ``int64`` rows ``(initial, residual, rounds, edges)`` for
    peeling, ``float64`` rows ``(S, mean finite size)`` for giant), so a
    report recomputes exactly what ``simulate`` computes.

Every chunk is written in its own transaction when it finishes (SQLite's
write-ahead log, ``synchronous=FULL``): a driver killed at any instant
leaves the store with whole chunks only (the next connection recovers the
log), and readers (``status``, ``report``) never block the writer.  The
write-ahead log needs a local file system (not NFS): keep the store on the
driver's disk.  The last chunk of a point can be
short; a later run with a larger ``--trials`` *tops it up* (appends the
missing trials to that row in one transaction) and then adds new chunks, so no
trial is ever recomputed or counted twice.

Errors (all :class:`~infoscaling.numeric.errors.InputError` naming
``--store``; the file is never modified when they are raised): a file that is
not SQLite or fails ``PRAGMA quick_check`` (corrupt), a store of another schema
version, an SQLite database that is not a campaign store, a database locked
by another process for longer than the timeout, and a second ``campaign run``
on a store that a running one holds (the advisory lock ``FILE.lock``).
"""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError, input_error

__all__ = ["Store", "SCHEMA_VERSION", "StoredPoint", "RunLock", "ROW_LAYOUT"]

SCHEMA_VERSION = 1
#: Seconds a connection waits for a lock held by another process before the store is reported locked.
LOCK_TIMEOUT = 30.0
#: Per-trial row layout of each simulation kind: (dtype, columns).
ROW_LAYOUT = {
    "peeling": (np.dtype("<i8"), ("initial", "residual", "rounds", "edges")),
    "giant": (np.dtype("<f8"), ("S", "mean_component_size")),
}
_SQLITE_MAGIC = b"SQLite format 3\x00"
_TABLES = {"schema_version", "campaigns", "points", "chunks"}

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL, written_by TEXT NOT NULL);
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, spec TEXT NOT NULL, seed TEXT NOT NULL,
    grid TEXT NOT NULL, trials INTEGER NOT NULL, created TEXT NOT NULL,
    UNIQUE (kind, spec, seed));
CREATE TABLE points (
    id INTEGER PRIMARY KEY, campaign INTEGER NOT NULL REFERENCES campaigns(id),
    n INTEGER NOT NULL, eps TEXT NOT NULL, point_seed INTEGER NOT NULL, chunk INTEGER NOT NULL,
    UNIQUE (campaign, n, eps));
CREATE TABLE chunks (
    point INTEGER NOT NULL REFERENCES points(id), idx INTEGER NOT NULL,
    start INTEGER NOT NULL, count INTEGER NOT NULL, failures INTEGER NOT NULL,
    data BLOB NOT NULL, seconds REAL NOT NULL, PRIMARY KEY (point, idx));
"""


@dataclass(frozen=True)
class StoredPoint:
    """A point row with its progress: trials stored and chunks (index -> (start, count))."""

    id: int
    n: int
    eps: str
    point_seed: int
    chunk: int
    chunks: dict

    @property
    def trials(self) -> int:
        return sum(c for _, c in self.chunks.values())

    @property
    def eps_value(self) -> float | None:
        return float(self.eps) if self.eps else None


def _version() -> str:
    from infoscaling import __version__

    return f"infoscaling {__version__}"


class RunLock:
    """Advisory lock ``FILE.lock`` held by a running ``campaign run`` (released on exit or kill)."""

    def __init__(self, path: Path):
        import fcntl

        self.path = Path(str(path) + ".lock")
        self._fh = open(self.path, "a+")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._fh.seek(0)
            who = self._fh.read().strip() or "another process"
            self._fh.close()
            raise input_error("--store", str(path),
                              f"a store no other 'campaign run' is writing (held by {who}); "
                              "wait for it or use another --store") from None
        self._fh.seek(0)
        self._fh.truncate()
        self._fh.write(f"pid {os.getpid()}")
        self._fh.flush()

    def release(self) -> None:
        if self._fh is not None and not self._fh.closed:
            self._fh.close()  # the kernel drops the flock; the empty-ish file may stay


class Store:
    """An open campaign store.

    Parameters
    ----------
    path : str or Path
        The SQLite file.
    create : bool
        Create the file (and schema) if it does not exist; otherwise a missing
        file is an :class:`InputError`.
    timeout : float, optional
        Seconds to wait for a lock held by another process (default :data:`LOCK_TIMEOUT`).
    """

    def __init__(self, path, create: bool = False, timeout: float | None = None):
        timeout = LOCK_TIMEOUT if timeout is None else timeout
        self.path = Path(path)
        exists = self.path.exists()
        if exists and create and self.path.is_file() and self.path.stat().st_size == 0:
            exists = False  # a driver killed while creating the store leaves an empty file: start afresh
        if not exists and not create:
            raise input_error("--store", str(path), "an existing campaign store (create one with 'campaign run')")
        if exists:
            self._check_header()
        elif not (self.path.parent if str(self.path.parent) else Path(".")).is_dir():
            raise input_error("--store", str(path), "a file in an existing folder")
        try:
            self._db = sqlite3.connect(str(self.path), timeout=timeout, isolation_level=None)
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            if not exists:
                self._create()
            self._check_schema()
        except sqlite3.OperationalError as exc:
            self._fail(exc)
        except sqlite3.DatabaseError as exc:
            self._fail(exc)

    # ------------------------------------------------------------------ opening
    def _fail(self, exc: Exception):
        if getattr(self, "_db", None) is not None:
            self._db.close()
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise input_error("--store", str(self.path),
                              f"a store not locked by another process (SQLite: {msg}); retry later") from None
        raise input_error("--store", str(self.path),
                          f"a readable campaign store; this file is corrupt or not SQLite ({msg}); "
                          "it was not modified") from None

    def _check_header(self) -> None:
        try:
            with open(self.path, "rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except OSError as exc:
            raise input_error("--store", str(self.path), f"a readable file ({exc.strerror})") from None
        if head and head != _SQLITE_MAGIC:
            raise input_error("--store", str(self.path),
                              "a campaign store (SQLite); this file is not SQLite or is corrupt; it was not modified")
        if not head:
            raise input_error("--store", str(self.path), "a campaign store; this file is empty")

    def _create(self) -> None:
        db = self._db
        # write-ahead log: one fsync per committed chunk instead of two or three (measured 6.5-7.7
        # against 29-34 ms per commit on the development VM), and readers never wait for the writer
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _SCHEMA.strip().split(";"):
                if stmt.strip():
                    db.execute(stmt)
            db.execute("INSERT INTO schema_version VALUES (?, ?)", (SCHEMA_VERSION, _version()))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _check_schema(self) -> None:
        rows = self._db.execute("PRAGMA quick_check").fetchall()
        if rows != [("ok",)]:
            raise sqlite3.DatabaseError("integrity check failed: " + "; ".join(r[0] for r in rows[:3]))
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "schema_version" not in tables:
            self._db.close()
            raise input_error("--store", str(self.path),
                              "a campaign store; this SQLite file has no schema_version table; it was not modified")
        row = self._db.execute("SELECT version, written_by FROM schema_version").fetchone()
        if row is None or row[0] != SCHEMA_VERSION or not _TABLES <= tables:
            self._db.close()
            got = "none" if row is None else f"{row[0]} ({row[1]})"
            raise input_error("--store", str(self.path),
                              f"a store of schema version {SCHEMA_VERSION} ({_version()}); it has version {got}. "
                              "Use the version that wrote it or a new --store; it was not modified")

    def close(self) -> None:
        if getattr(self, "_db", None) is not None:
            self._db.close()
            self._db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _tx(self):
        return _Transaction(self)

    # ------------------------------------------------------------ campaigns
    def campaign(self, kind: str, spec: str, seed: int):
        """``(id, grid, trials)`` of a stored campaign, or None."""
        return self._db.execute("SELECT id, grid, trials FROM campaigns WHERE kind=? AND spec=? AND seed=?",
                                (kind, spec, str(int(seed)))).fetchone()

    def campaigns(self) -> list[dict]:
        """Every campaign of the store: ``{id, kind, spec, seed, grid, trials, created}``."""
        cur = self._db.execute("SELECT id, kind, spec, seed, grid, trials, created FROM campaigns ORDER BY id")
        keys = ("id", "kind", "spec", "seed", "grid", "trials", "created")
        return [dict(zip(keys, r), seed=int(r[3])) for r in cur]

    def register(self, grid, seed: int, trials: int, chunks: dict, explicit_chunk: bool) -> int:
        """Record (or re-open) the campaign of ``grid`` and ``seed``; return its id.

        ``chunks`` maps each point key to ``(point_seed, chunk size)``.  A
        stored campaign with the same kind, spec and seed must have the same
        grid (and, when ``--chunk`` is given, the same chunk sizes); its target
        trials becomes ``max(stored, trials)``.

        Raises
        ------
        InputError
            The grid (``--n``/``--eps``) or ``--chunk`` contradicts the stored campaign.
        """
        from .seeds import point_seed

        definition = grid.definition()
        with self._tx() as db:
            row = db.execute("SELECT id, grid, trials FROM campaigns WHERE kind=? AND spec=? AND seed=?",
                             (grid.kind, grid.spec, str(int(seed)))).fetchone()
            if row is not None:
                cid, stored, old = row
                if stored != definition:
                    raise InputError(
                        f"--n/--eps: the store already holds the campaign {grid.spec} with --seed {seed} "
                        f"on another grid ({_show_grid(stored)}); this run asks for {_show_grid(definition)}. "
                        "Repeat the stored grid to resume or extend it, or use another --seed or --store",
                        "--n")
                for p in grid.points:
                    ps, size = chunks[p.key()]
                    got = db.execute("SELECT point_seed, chunk FROM points WHERE campaign=? AND n=? AND eps=?",
                                     (cid, p.n, p.eps_text)).fetchone()
                    if got is None or got[0] != point_seed(seed, p.key()):
                        raise InputError(f"--store: point n={p.n} eps={p.eps_text} of the stored campaign is "
                                         "missing or has another seed (damaged store); nothing was written",
                                         "--store")
                    if explicit_chunk and got[1] != size:
                        raise input_error("--chunk", size, f"{got[1]} (the chunk size stored for this "
                                          "campaign; omit --chunk to reuse it)")
                if trials > old:
                    db.execute("UPDATE campaigns SET trials=? WHERE id=?", (int(trials), cid))
                return cid
            now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
            cur = db.execute("INSERT INTO campaigns (kind, spec, seed, grid, trials, created) VALUES (?,?,?,?,?,?)",
                             (grid.kind, grid.spec, str(int(seed)), definition, int(trials), now))
            cid = cur.lastrowid
            for p in grid.points:
                ps, size = chunks[p.key()]
                db.execute("INSERT INTO points (campaign, n, eps, point_seed, chunk) VALUES (?,?,?,?,?)",
                           (cid, p.n, p.eps_text, int(ps), int(size)))
            return cid

    def points(self, campaign_id: int) -> list[StoredPoint]:
        """The points of a campaign with their stored chunks, in grid order (n, then eps)."""
        rows = self._db.execute("SELECT id, n, eps, point_seed, chunk FROM points WHERE campaign=?",
                                (campaign_id,)).fetchall()
        chunks: dict[int, dict] = {r[0]: {} for r in rows}
        for pid, idx, start, count in self._db.execute(
                "SELECT c.point, c.idx, c.start, c.count FROM chunks c JOIN points p ON c.point = p.id "
                "WHERE p.campaign=?", (campaign_id,)):
            chunks[pid][idx] = (start, count)
        out = [StoredPoint(r[0], r[1], r[2], r[3], r[4], chunks[r[0]]) for r in rows]
        return sorted(out, key=lambda p: (p.n, float(p.eps) if p.eps else 0.0))

    # --------------------------------------------------------------- chunks
    def write_chunk(self, point_id: int, idx: int, chunk: int, start: int, rows: np.ndarray,
                    kind: str, seconds: float) -> bool:
        """Store the results of trials ``start .. start+len(rows)-1`` of chunk ``idx`` in one transaction.

        A new chunk must start at ``idx * chunk``; a stored short chunk is
        topped up only by the trials that directly follow it.  Rows already
        stored (a chunk finished by another run meanwhile) are not written
        again: returns False then, True when the rows were added.
        """
        dtype, cols = ROW_LAYOUT[kind]
        rows = np.ascontiguousarray(rows, dtype=dtype).reshape(-1, len(cols))
        count = rows.shape[0]
        failures = int((rows[:, 1] > 0).sum()) if kind == "peeling" else 0
        with self._tx() as db:
            got = db.execute("SELECT start, count, data FROM chunks WHERE point=? AND idx=?",
                             (point_id, idx)).fetchone()
            if got is None:
                if start != idx * chunk or count > chunk:
                    raise ValueError(f"chunk {idx} must start at {idx * chunk}, got {start}")
                db.execute("INSERT INTO chunks (point, idx, start, count, failures, data, seconds) "
                           "VALUES (?,?,?,?,?,?,?)",
                           (point_id, idx, start, count, failures, zlib.compress(rows.tobytes(), 6), seconds))
                return True
            s0, c0, blob = got
            if start < s0 + c0:
                return False  # already stored: never counted twice
            if start != s0 + c0 or c0 + count > chunk:
                raise ValueError(f"chunk {idx}: stored trials {s0}..{s0 + c0 - 1}, cannot append from {start}")
            data = zlib.compress(zlib.decompress(blob) + rows.tobytes(), 6)
            db.execute("UPDATE chunks SET count=count+?, failures=failures+?, data=?, seconds=seconds+? "
                       "WHERE point=? AND idx=? AND count=?",
                       (count, failures, data, seconds, point_id, idx, c0))
            return True

    def trial_rows(self, point: StoredPoint, kind: str, limit: int | None = None) -> np.ndarray:
        """Per-trial rows of a point for trials ``0 .. T-1`` (T = contiguous trials stored, capped at ``limit``).

        Raises
        ------
        InputError
            When a chunk's data does not match its row count (damaged store).
        """
        dtype, cols = ROW_LAYOUT[kind]
        parts = []
        expect = 0
        for idx, start, count, blob in self._db.execute(
                "SELECT idx, start, count, data FROM chunks WHERE point=? ORDER BY idx", (point.id,)):
            if start != expect:
                break  # a gap (chunk still pending): only the contiguous prefix is reported
            try:
                raw = zlib.decompress(blob)
            except zlib.error:
                raw = b""
            arr = np.frombuffer(raw, dtype=dtype)
            if arr.size != count * len(cols):
                raise input_error("--store", str(self.path),
                                  f"an intact store; chunk {idx} of point n={point.n} eps={point.eps} is damaged")
            parts.append(arr.reshape(count, len(cols)))
            expect = start + count
            if count < point.chunk:
                break
        rows = np.concatenate(parts) if parts else np.empty((0, len(cols)), dtype=dtype)
        return rows if limit is None else rows[:limit]


def _show_grid(definition: str) -> str:
    import json

    g = json.loads(definition)
    eps = g["eps"]
    e = "" if not eps else f", eps {eps[0]}..{eps[-1]} ({len(eps)} values)"
    return f"n {g['n']}{e}"


class _Transaction:
    """``with`` block = one ``BEGIN IMMEDIATE`` ... ``COMMIT`` (rollback on any exception)."""

    def __init__(self, store: Store):
        self.db = store._db
        self.store = store

    def __enter__(self):
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self.store._fail(exc)
        return self.db

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
        return False
