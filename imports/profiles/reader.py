"""Reading an export with a profile: the file's text (encoding, byte-order mark, delimiter), its header, and each
field's cells turned into stored values, a column at a time with every distinct cell converted once."""

import codecs
import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from imports.services import _NOT_TEXT, ImportRejected, RowError

from . import values as read
from .spec import FieldSpec, Profile

CANDIDATE_DELIMITERS = [",", ";", "\t", "|"]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
MEMO_LIMIT = 20_000  # distinct cells remembered per field (a chunk's worth); past it the memo starts again


def _refuse(line: int, message: str) -> ImportRejected:
    return ImportRejected([RowError(line, "", message)])


class _Counting(io.RawIOBase):
    """A binary stream that counts the bytes read through it (the progress bar goes by bytes)."""

    def __init__(self, binary: BinaryIO):
        self.binary = binary
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.binary.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _encoding(head: bytes, declared: str) -> str:
    """The codec: a byte-order mark is unambiguous and wins; otherwise the profile's encoding."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if codecs.lookup(declared).name == "utf-8":
        return "utf-8-sig"
    return declared


def detect_delimiter(header_line: str) -> str:
    """The candidate (, ; tab |) that splits the header line into the most columns; a comma when none does."""
    best, best_count = ",", 0
    for candidate in CANDIDATE_DELIMITERS:
        count = len(next(csv.reader([header_line], delimiter=candidate), []))
        if count > best_count:
            best, best_count = candidate, count
    return best


class ExportFile:
    """A CSV export opened with a profile: `header` (trimmed names), `positions`, then `records()`."""

    def __init__(self, binary: BinaryIO, profile: Profile | None, *, check_columns: bool = True):
        self.profile = profile
        head = binary.read(8)
        binary.seek(0)
        for magic, kind in _NOT_TEXT.items():
            if head.startswith(magic):
                raise _refuse(1, f"the file is {kind}, not a CSV text file")
        self.encoding = _encoding(head, profile.encoding if profile else "utf-8")
        self.counter = _Counting(binary)
        self.stream = io.TextIOWrapper(io.BufferedReader(self.counter, 1 << 16), encoding=self.encoding, newline="")
        self.last_count = 0
        self.binary = binary
        try:
            first = self.stream.readline()
        except UnicodeDecodeError as error:
            raise self._decode_error(error) from None
        if not first.strip():
            raise _refuse(1, "the file is empty (no header line)")
        self.delimiter = (profile.delimiter if profile else None) or detect_delimiter(first)
        self.reader = csv.reader(itertools.chain((first,), self.stream), delimiter=self.delimiter)
        try:
            raw_header = next(self.reader)
        except csv.Error as error:
            raise _refuse(1, f"not valid CSV: {error}") from None
        self.header = [name.strip() for name in raw_header]
        self.positions: dict[str, int] = {}
        problems = []
        for index, name in enumerate(self.header):
            if name in self.positions:
                problems.append(
                    RowError(
                        1, "", f"two columns are named {name!r} (columns {self.positions[name] + 1} and {index + 1})"
                    )
                )
            else:
                self.positions[name] = index
        if profile is not None and check_columns:
            for column in profile.columns:
                if column not in self.positions:
                    uses = [name for name, spec in profile.fields.items() if column in spec.source_columns]
                    problems.append(
                        RowError(
                            1,
                            uses[0] if uses else "skip",
                            f"missing column {column!r} (the file's columns: {_list(self.header)})",
                        )
                    )
        if problems:
            raise ImportRejected(problems)

    def _decode_error(self, error: UnicodeDecodeError) -> ImportRejected:
        """The file refused at the line holding the first byte its encoding cannot read.

        The text layer decodes blocks of the file, so its error does not say the line: the file is read again,
        a line at a time, to find it (only on this path).
        """
        line = 1
        try:
            self.binary.seek(0)
            decoder = codecs.getincrementaldecoder(self.encoding)()
            for number, raw in enumerate(self.binary, start=1):
                try:
                    decoder.decode(raw)
                except UnicodeDecodeError as found:
                    line, error = number, found
                    break
        except (OSError, ValueError):
            pass
        byte = error.object[error.start : error.start + 1].hex().upper() if error.object else "?"
        return _refuse(
            line,
            f"not valid {self.encoding.replace('-sig', '')} text (byte 0x{byte}): set the profile's encoding "
            "(for example cp1252 for a Windows export, utf-16, latin-1)",
        )

    def bytes_read(self) -> int:
        """Bytes read since the last call."""
        count = self.counter.count
        delta, self.last_count = count - self.last_count, count
        return delta

    def records(self) -> Iterator[tuple[int, list[str] | None]]:
        """(line, cells) of each record; cells is None for a record with the wrong number of columns (the error
        is in `width_errors`)."""
        reader = self.reader
        width = len(self.header)
        last_line = reader.line_num
        try:
            for record in reader:
                line, last_line = last_line + 1, reader.line_num
                if not record or (len(record) == 1 and not record[0].strip() and width > 1):
                    continue
                if len(record) != width:
                    yield line, RowError(line, "", f"expected {width} columns, found {len(record)}")
                    continue
                yield line, record
        except UnicodeDecodeError as error:
            raise self._decode_error(error) from None
        except csv.Error as error:
            reason = str(error)
            if "field limit" in reason:
                reason = f"a cell is longer than {csv.field_size_limit():,} characters (a quote left open?)"
            raise _refuse(reader.line_num, f"not valid CSV: {reason}") from None


def _list(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


@dataclass(frozen=True)
class Bad:
    """A cell that could not be read, with the reason."""

    message: str


_MISSING = object()


class FieldReader:
    """Reads one field from a chunk's columns, converting each distinct cell once."""

    def __init__(self, profile: Profile, spec: FieldSpec, positions: dict[str, int]):
        self.spec = spec
        self.convert: Callable[[str], object] = profile.converter(spec.name)
        self.indexes = [positions[column] for column in spec.columns]
        self.other = positions[spec.otherwise] if spec.otherwise else None
        self.memo: dict[str, object] = {}
        self.has_bad = False  # whether any cell has failed (until then a column needs no scan for Bad)
        self.constant = None
        # Plain text (ids, cases, emails): every cell is usually distinct, so the memo only costs; the column is
        # trimmed and checked as a whole, and read cell by cell only if the whole-column check finds a problem.
        self.bulk_text = spec.type.kind == "text" and spec.values is None and not spec.case_insensitive
        if spec.value is not None:
            self.constant = self.cell(spec.value)
            if isinstance(self.constant, Bad):
                raise ImportRejected([RowError(0, spec.name, f"the profile's value: {self.constant.message}")])

    def cell(self, raw: str):
        """The stored value of one cell (None for "no value"), or Bad with the reason."""
        spec = self.spec
        text = raw.strip()
        if spec.is_empty(text):
            return None
        if spec.values is not None:
            key = text.lower() if spec.case_insensitive else text
            mapped = spec.values.get(key)
            if mapped is None:
                self.has_bad = True
                return Bad(f"no mapping for {read.show(text)} (the profile maps {_list(list(spec.values), 8)})")
            if not mapped:
                return None
            text = mapped
        try:
            return self.convert(text)
        except ValueError as error:
            self.has_bad = True
            return Bad(str(error))

    def _read(self, cells) -> list:
        if self.bulk_text:
            out = self._read_text(cells)
            if out is not None:
                return out
        memo = self.memo
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        # Known cells in one pass in C; the few new ones converted after.
        out = list(map(memo.get, cells, itertools.repeat(_MISSING)))
        if _MISSING in out:  # (identity first: no value equals the sentinel)
            for position, value in enumerate(out):
                if value is _MISSING:
                    raw = cells[position]
                    value = memo.get(raw, _MISSING)
                    if value is _MISSING:
                        value = memo[raw] = self.cell(raw)
                    out[position] = value
        return out

    def _read_text(self, cells) -> list | None:
        """The cells as stored text, or None when one of them needs the per-cell path (and its message)."""
        texts = [cell.strip() for cell in cells]
        max_length = self.spec.type.max_length
        if max_length is not None and texts and max(map(len, texts)) > max_length:
            return None
        joined = "".join(texts)
        if "\x00" in joined or (not joined.isascii() and read.has_surrogate(joined)):
            return None
        empty = self.spec.empty
        return [None if text in empty else text for text in texts]

    def column(self, columns: list[tuple[str, ...]], size: int) -> list:
        """The field's values for a chunk given as columns (the transposed records)."""
        if self.constant is not None or self.spec.value is not None:
            return [self.constant] * size
        out = self._read(columns[self.indexes[0]])
        # Several columns are summed. The first is the measure itself: blank there, the sum is blank (missing,
        # never the other parts alone: a blank talk time with 30 s of hold is not a 30 s call). A blank in a later
        # column (no hold) counts as nothing.
        for index in self.indexes[1:]:
            more = self._read(columns[index])
            for position, (left, right) in enumerate(zip(out, more, strict=True)):
                if left is None or isinstance(left, Bad) or right is None:
                    continue
                out[position] = right if isinstance(right, Bad) else left + right
        if self.other is not None and None in out:
            other = self.other
            for position, value in enumerate(out):
                if value is None:
                    out[position] = self._read((columns[other][position],))[0]
        return out


def transpose(records: list[list[str]]) -> list[tuple[str, ...]]:
    return list(zip(*records, strict=True))


def skip_mask(profile: Profile, positions: dict[str, int], columns: list[tuple[str, ...]], size: int) -> list[bool]:
    mask = [False] * size
    for rule in profile.skip:
        when = frozenset(rule.when)
        for position, cell in enumerate(columns[positions[rule.column]]):
            if cell.strip() in when:
                mask[position] = True
    return mask


@dataclass
class PreviewRow:
    """One row as SkillHub will read it: its line, {field: value} and the problems found in it."""

    line: int
    values: dict[str, object]
    errors: list[RowError] = field(default_factory=list)
    skipped: bool = False


def read_header(binary: BinaryIO, profile: Profile | None = None) -> list[str]:
    """The file's column names (trimmed), with the profile's encoding and delimiter (detected if it has none)."""
    try:
        return ExportFile(binary, profile, check_columns=False).header
    finally:
        binary.seek(0)


def preview(binary: BinaryIO, profile: Profile, limit: int = 10) -> list[PreviewRow]:
    """The first `limit` rows as SkillHub will store them (agents, teams and channels are checked by a dry run).

    A file the profile cannot open at all (a column missing, another encoding) raises ImportRejected.
    """
    try:
        export = ExportFile(binary, profile)
        rows: list[PreviewRow] = []
        records: list[tuple[int, list[str]]] = []
        for line, record in export.records():
            if isinstance(record, RowError):
                rows.append(PreviewRow(line, {}, [record]))
            else:
                records.append((line, record))
            if len(rows) + len(records) >= limit:
                break
    finally:
        binary.seek(0)
    if records:
        columns = transpose([record for _, record in records])
        size = len(records)
        skipped = skip_mask(profile, export.positions, columns, size)
        readers = {name: FieldReader(profile, spec, export.positions) for name, spec in profile.fields.items()}
        read_columns = {name: reader.column(columns, size) for name, reader in readers.items()}
        for position, (line, _) in enumerate(records):
            row = PreviewRow(line, {}, skipped=skipped[position])
            for name, values in read_columns.items():
                value = values[position]
                if isinstance(value, Bad):
                    row.errors.append(RowError(line, name, value.message))
                    value = None
                elif name == "started_at" and value is not None:
                    value = value[0]
                row.values[name] = value
            if not row.skipped:
                for name in profile.fields:
                    if row.values.get(name) is None and _required(profile, name) and not _has_error(row, name):
                        row.errors.append(RowError(line, name, "required"))
            rows.append(row)
    rows.sort(key=lambda row: row.line)
    return rows


def _has_error(row: PreviewRow, name: str) -> bool:
    return any(error.field == name for error in row.errors)


def _required(profile: Profile, name: str) -> bool:
    from .spec import CONTACT_REQUIRED, CONTACTS, ROSTER_REQUIRED

    spec = profile.fields[name]
    if name == "team" and spec.blank:
        return False
    if profile.kind != CONTACTS:
        return name in ROSTER_REQUIRED
    return name in CONTACT_REQUIRED or name == profile.agent_field
