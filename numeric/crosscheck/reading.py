"""Reading a crosscheck file: size, encoding, CSV or JSON, and per-record limits.

A file of at most :data:`MAX_FILE_BYTES` bytes (UTF-8, with or without a
byte-order mark, or UTF-16 with one), at most :data:`MAX_ROWS` rows,
:data:`MAX_COLUMNS` columns and :data:`MAX_FIELD` characters per field; JSON
nested at most as deep as Python's decoder allows.  A file beyond these is
refused (:class:`~infoscaling.numeric.errors.InputError` /
:class:`~infoscaling.numeric.errors.LimitError` naming FILE); a record beyond
them becomes a row holding only ``__error__``, reported with its line.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import sys

from .. import validate
from ..errors import InputError, LimitError

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "MAX_COLUMNS", "MAX_FIELD", "REQUIRED", "read_file", "read_table"]

#: Largest input accepted, in bytes (a row is ~100 bytes: 40 000 rows' worth; beyond, split the file).
MAX_FILE_BYTES = 4 * 2**20
#: Most rows per file (each row may cost up to seconds of high-precision work).
MAX_ROWS = 5000
#: Most columns per row.
MAX_COLUMNS = 100
#: Longest field, in characters (validate.MAX_TEXT: the longest numeric argument anywhere).
MAX_FIELD = validate.MAX_TEXT
#: Columns every row must have.
REQUIRED = ("quantity", "spec", "value")


def read_file(path: str) -> str:
    """The text of FILE (``-``: standard input), size-limited and decoded.

    UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order mark;
    anything else is refused naming FILE.

    Raises
    ------
    InputError
        Unreadable, not text in a supported encoding.
    LimitError
        Larger than :data:`MAX_FILE_BYTES`.
    """
    try:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)   # a text-only stdin (notebooks): read text
            data = stream.read(MAX_FILE_BYTES + 1) if stream is not None else \
                sys.stdin.read(MAX_FILE_BYTES + 1).encode("utf-8", "surrogatepass")
        else:
            with open(path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"FILE: cannot read {path!r}: {exc.strerror or exc}", "FILE") from None
    if len(data) > MAX_FILE_BYTES:
        raise LimitError(f"FILE: {path!r} is larger than {MAX_FILE_BYTES // 2**20} MiB "
                         f"(the input limit; split it into several files)", "FILE")
    return _decode(data, path)


def _decode(data: bytes, path: str) -> str:
    # a UTF-8 byte-order mark decodes to U+FEFF, which read_table drops
    enc = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:
        hint = " (NUL bytes: UTF-16 without a byte-order mark?)" if b"\x00" in data else ""
        raise InputError(f"FILE: {path!r} is not {enc.upper()} text{hint}: byte 0x{data[exc.start]:02x} at "
                         f"offset {exc.start}; save it as UTF-8", "FILE") from None
    if "\x00" in text:
        raise InputError(f"FILE: {path!r} contains NUL characters (UTF-16 without a byte-order mark?); "
                         "save it as UTF-8", "FILE")
    return text


def read_table(text: str) -> list[tuple[int, dict]]:
    """Parse CSV (with a header) or a JSON list of objects into ``(line, row)`` pairs.

    For CSV the line is the physical line of the record (the header is line 1);
    for JSON it is the 1-based position in the list.  A record that cannot be a
    row (too long a field, too many columns, not an object) is kept as a row
    holding only ``__error__`` so that it is reported with its line.

    Raises
    ------
    InputError
        If the text is neither a JSON list of objects nor CSV with a header
        naming at least ``quantity``, ``spec`` and ``value``.
    LimitError
        More than :data:`MAX_ROWS` rows.

    Examples
    --------
    >>> read_table('quantity,spec,value\\nthreshold,"binomial:5000,0.006/binomial:2000,0.006",0.51\\n')
    [(2, {'quantity': 'threshold', 'spec': 'binomial:5000,0.006/binomial:2000,0.006', 'value': '0.51'})]
    """
    text = text.lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise InputError("FILE: the file is empty", "FILE")
    if stripped[0] in "[{":
        return _read_json(text)
    return _read_csv(text)


def _too_many_rows() -> LimitError:
    return LimitError(f"FILE: more than {MAX_ROWS} rows (the input limit; split the file)", "FILE")


def _object(pairs: list) -> dict:
    """A JSON object; a repeated key makes it an ``__error__`` row (which value was meant is unknown)."""
    keys = [k for k, _ in pairs]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        return {"__error__": f"key {repeated[0][:40]!r} given more than once"}
    return dict(pairs)


def _read_json(text: str) -> list[tuple[int, dict]]:
    """JSON rows; numbers are kept as their text (exact, read like CSV fields, no int/float conversion limits)."""
    try:
        data = json.loads(text, parse_int=str, parse_float=str, parse_constant=str, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise InputError(f"FILE: invalid JSON ({exc.msg} at line {exc.lineno})", "FILE") from None
    except RecursionError:
        raise InputError("FILE: JSON nested too deeply (a crosscheck file is a flat list of row objects)",
                         "FILE") from None
    if not isinstance(data, list):
        raise InputError("FILE: a JSON file must hold a list of row objects", "FILE")
    if len(data) > MAX_ROWS:
        raise _too_many_rows()
    out = []
    for i, item in enumerate(data, 1):
        if not isinstance(item, dict):
            out.append((i, {"__error__": f"expected an object with quantity, spec, value, got a "
                                         f"{type(item).__name__}"}))
        elif len(item) > MAX_COLUMNS:
            out.append((i, {"__error__": f"more than {MAX_COLUMNS} keys"}))
        else:
            out.append((i, item))
    return out


def _read_csv(text: str) -> list[tuple[int, dict]]:
    reader = csv.reader(io.StringIO(text))
    header = None
    out = []
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # e.g. a field beyond the csv module's own limit: this record only
            if header is None:
                raise InputError(f"FILE: unreadable CSV header ({exc})", "FILE") from None
            out.append((reader.line_num, {"__error__": f"unreadable CSV record ({exc}; fields may have at "
                                                       f"most {MAX_FIELD} characters)"}))
            continue
        if not rec or all(not c.strip() for c in rec):
            continue
        if header is None:
            if len(rec) > MAX_COLUMNS or any(len(c) > MAX_FIELD for c in rec):
                raise InputError(f"FILE: the CSV header has more than {MAX_COLUMNS} columns or a name longer "
                                 f"than {MAX_FIELD} characters", "FILE")
            header = [h.strip() for h in rec]
            repeated = sorted({h for h in header if h and header.count(h) > 1})
            if repeated:
                raise InputError(f"FILE: the CSV header names column {repeated[0][:40]!r} more than once", "FILE")
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise InputError(f"FILE: the CSV header must name quantity, spec and value; "
                                 f"missing {', '.join(missing)} (header: {','.join(header)[:200]})", "FILE")
            continue
        if len(out) >= MAX_ROWS:
            raise _too_many_rows()
        if len(rec) > MAX_COLUMNS:
            out.append((reader.line_num, {"__error__": f"more than {MAX_COLUMNS} columns"}))
            continue
        long = [i + 1 for i, c in enumerate(rec) if len(c) > MAX_FIELD]
        if long:
            out.append((reader.line_num, {"__error__": f"field {long[0]} is longer than {MAX_FIELD} characters"}))
            continue
        row = {}
        for i, cell in enumerate(rec):
            key = header[i] if i < len(header) else f"__extra{i}"
            row[key] = cell
        out.append((reader.line_num, row))
    if header is None:
        raise InputError("FILE: no CSV header found", "FILE")
    return out
