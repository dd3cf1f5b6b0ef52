"""Reading partners' files into rows of cells: CSV in the encodings Serbian Excel writes, XLSX,
and Kobo/ODK exports whose household members sit on a repeat-group sheet of their own.

A reader never guesses silently: it says which encoding and delimiter it used, and refuses a
file it cannot read with a message that tells the person what to do (``UnreadableFile``).
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

csv.field_size_limit(1_000_000)


class UnreadableFile(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


@dataclass
class Table:
    """A file as a header and rows of cells. Cells are text, except that an XLSX cell may be a
    date, a number or a boolean as Excel stored it."""

    file_format: str  # "csv", "xlsx" or "kobo"
    headers: list[str]
    rows: list[list]
    # The spreadsheet's row number of each row (the header is row 1).
    row_numbers: list[int] | None = None
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    # Kobo: which columns came from the household sheet (the others from the members' sheet).
    household_columns: set[int] = field(default_factory=set)
    # Kobo: the household each row belongs to (the household sheet's _uuid or _index).
    kobo_households: list[str] | None = None
    # Kobo: the household sheet's title, and the row of it each row's household is on, so that
    # a problem of a household's answer points where that answer is written.
    household_sheet: str = ""
    household_row_numbers: list[int] | None = None

    def row_number(self, index: int) -> int:
        return self.row_numbers[index] if self.row_numbers else index + 2


def source_bytes(source) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "chunks"):
        if hasattr(source, "seek"):
            source.seek(0)
        return b"".join(source.chunks())
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data.encode("utf-8") if isinstance(data, str) else data


def read_table(source, *, filename: str) -> Table:
    data = source_bytes(source)
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    suffix = Path(filename or "").suffix.lower()
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            _(
                "This is an old Excel file (.xls). Open it in Excel and save it as .xlsx or as "
                "CSV, then import that."
            )
        )
    if suffix in (".xlsx", ".xlsm"):
        raise UnreadableFile(
            _(
                "The file is named .xlsx but is not an Excel workbook: it may be truncated, "
                "damaged or another kind of file."
            )
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text, encoding = data.decode("utf-16"), "utf-16"
    else:
        if b"\x00" in data[:4096] or data[:5] == b"%PDF-":
            raise UnreadableFile(
                _("This is not a spreadsheet: import a CSV file or an Excel workbook (.xlsx).")
            )
        text, encoding = decode_csv(data)
    return _read_csv(text, encoding)


# --- CSV ---------------------------------------------------------------------------------------

_CP1250_LETTERS = set("čćšžđČĆŠŽĐëËçÇ")
# What UTF-8 looks like after being read as Windows-1250/1252 and saved again ("Ä\x8d" for č).
_MOJIBAKE = re.compile(r"[ÃÄÅÐÑ][\x80-\xbf\u0080-\u024f\u2010-\u203a]|Ð[°-¿]|Ñ[\x80-\x8f]")


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in: UTF-8 (with or without its byte order
    mark), or Windows-1251 (Serbian Cyrillic) or Windows-1250 (Serbian Latin, Albanian), which
    Excel writes on a Serbian Windows. Refuses a file whose bytes fit none, or that mixes them.
    """
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    else:
        text, encoding = data, "utf-8"
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as invalid:
        if _has_utf8_sequences(data):
            raise UnreadableFile(
                _(
                    "The file mixes two encodings (UTF-8 and another, around byte %(at)d): "
                    "save it again from Excel as “CSV UTF-8” and import that."
                )
                % {"at": invalid.start}
            ) from None
    else:
        if _MOJIBAKE.search(decoded):
            raise UnreadableFile(
                _(
                    "The letters of the file look garbled (for example “Å¡” instead of “š”): "
                    "it was read in the wrong encoding and saved again. Export it again from the "
                    "original as “CSV UTF-8”."
                )
            )
        return decoded, encoding
    return _decode_windows(data)


def _has_utf8_sequences(data: bytes) -> bool:
    return re.search(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}", data) is not None


_WORD = re.compile(rb"[A-Za-z\x80-\xff]+")


def _decode_windows(data: bytes) -> tuple[str, str]:
    """Windows-1251 or Windows-1250, told apart by the words: Cyrillic words in 1251 are made
    of high bytes only, while Latin words with č, ć, š, ž or đ in 1250 mix them with ASCII."""
    cyrillic = latin = 0
    for word in _WORD.findall(data):
        high = sum(1 for byte in word if byte >= 0x80)
        if not high:
            continue
        if high == len(word):
            cyrillic += high
        else:
            latin += high
    candidates = ["cp1251", "cp1250"] if cyrillic > latin else ["cp1250", "cp1251"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "cp1250" and not _plausible_latin(text):
            continue
        return text, encoding
    raise UnreadableFile(
        _(
            "The file's encoding is not one Homeward reads (UTF-8, Windows-1250 or "
            "Windows-1251): save it from Excel as “CSV UTF-8” and import that."
        )
    )


def _plausible_latin(text: str) -> bool:
    """Windows-1250 decodes nearly any bytes; the letters it gives must be ones Serbian or
    Albanian writes, else the file was in some other encoding."""
    unusual = [c for c in text if ord(c) >= 0x80 and c.isalpha() and c not in _CP1250_LETTERS]
    letters = sum(1 for c in text if ord(c) >= 0x80 and c.isalpha())
    return not letters or len(unusual) <= letters // 10


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: _count_outside_quotes(first, d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


_SEP_LINE = re.compile(r"^\s*sep=(.)\s*\r?\n", re.IGNORECASE)


def _read_csv(text: str, encoding: str) -> Table:
    # Excel writes (and reads, without showing it as a row) a first line "sep=;" naming the
    # delimiter: rows are numbered as Excel shows them, without it.
    if hint := _SEP_LINE.match(text):
        delimiter, text = hint.group(1), text[hint.end() :]
    else:
        delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = next(reader)
        rows = []
        numbers = []
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            rows.append(row)
            numbers.append(reader.line_num)
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None
    except csv.Error as error:
        raise UnreadableFile(
            _("The file is not a readable CSV file (line %(line)d: %(error)s).")
            % {"line": reader.line_num, "error": error}
        ) from None
    # Line numbers only differ from index + 2 where blank lines or quoted line breaks occur.
    plain = all(number == index + 2 for index, number in enumerate(numbers))
    return Table(
        file_format="csv",
        headers=[header.strip() for header in headers],
        rows=rows,
        row_numbers=None if plain else numbers,
        encoding=encoding,
        delimiter=delimiter,
    )


# --- XLSX and Kobo ------------------------------------------------------------------------------


def _open_workbook(data: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as error:
        raise UnreadableFile(
            _(
                "The Excel workbook cannot be read: it is damaged or was not copied whole "
                "(%(error)s). Save it again from Excel and import it again."
            )
            % {"error": str(error)[:100] or error.__class__.__name__}
        ) from None
    except Exception as error:  # openpyxl raises many kinds for a broken archive
        raise UnreadableFile(
            _("The Excel workbook cannot be read (%(error)s).")
            % {"error": str(error)[:100] or error.__class__.__name__}
        ) from None


def _cell(value):
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _sheet_rows(sheet) -> tuple[list[str], list[list], list[int]]:
    try:
        iterator = sheet.iter_rows(values_only=True)
        headers = None
        rows, numbers = [], []
        for number, values in enumerate(iterator, start=1):
            if headers is None:
                if values and any(value not in (None, "") for value in values):
                    headers = [str(value).strip() if value is not None else "" for value in values]
                continue
            if not values or all(value in (None, "") for value in values):
                continue
            rows.append([_cell(value) for value in values])
            numbers.append(number)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as error:
        raise UnreadableFile(
            _(
                "The Excel workbook cannot be read: it is damaged or was not copied whole "
                "(%(error)s)."
            )
            % {"error": str(error)[:100] or error.__class__.__name__}
        ) from None
    if headers is None:
        return [], [], []
    # Trailing empty header cells are formatting, not columns.
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    rows = [row[:width] + [None] * (width - len(row)) for row in rows]
    return headers, rows, numbers


def _read_xlsx(data: bytes) -> Table:
    book = _open_workbook(data)
    try:
        sheets = book.worksheets
        if not sheets:
            raise UnreadableFile(_("The workbook has no sheets."))
        first_headers, first_rows, first_numbers = _sheet_rows(sheets[0])
        for sheet in sheets[1:]:
            headers, rows, numbers = _sheet_rows(sheet)
            if "_parent_index" in headers:
                return _join_kobo(
                    sheets[0].title,
                    (first_headers, first_rows, first_numbers),
                    sheet.title,
                    (headers, rows, numbers),
                )
    finally:
        book.close()
    if not first_headers:
        raise UnreadableFile(_("The file is empty."))
    return Table(
        file_format="xlsx",
        headers=first_headers,
        rows=first_rows,
        row_numbers=first_numbers,
        sheet=sheets[0].title,
    )


def _join_kobo(household_title, household_sheet, member_title, member_sheet) -> Table:
    """One row per member, with its household's columns in front: the members' sheet names
    its household by ``_parent_index``, the household sheet's ``_index``."""
    household_headers, household_rows, household_numbers = household_sheet
    member_headers, member_rows, member_numbers = member_sheet
    if "_index" not in household_headers:
        raise UnreadableFile(
            _(
                "The members' sheet “%(sheet)s” refers to households by _parent_index, but the "
                "first sheet has no _index column."
            )
            % {"sheet": member_title}
        )
    index_at = household_headers.index("_index")
    uuid_at = household_headers.index("_uuid") if "_uuid" in household_headers else None
    by_index = {str(row[index_at]): row for row in household_rows}
    number_of = {
        str(row[index_at]): number
        for row, number in zip(household_rows, household_numbers, strict=True)
    }
    parent_at = member_headers.index("_parent_index")
    rows, numbers, households, household_rows_of = [], [], [], []
    unmatched = []
    for row, number in zip(member_rows, member_numbers, strict=True):
        household = by_index.get(str(row[parent_at]))
        if household is None:
            unmatched.append(number)
            continue
        rows.append(list(household) + list(row))
        numbers.append(number)
        household_rows_of.append(number_of[str(row[parent_at])])
        key = household[uuid_at] if uuid_at is not None and household[uuid_at] else None
        households.append(str(key or household[index_at]))
    if unmatched:
        raise UnreadableFile(
            _(
                "Rows %(rows)s of the members' sheet “%(sheet)s” name a household (_parent_index) "
                "that is not on the first sheet."
            )
            % {"rows": ", ".join(str(n) for n in unmatched[:10]), "sheet": member_title}
        )
    if not rows:
        raise UnreadableFile(
            _("The members' sheet “%(sheet)s” is empty.") % {"sheet": member_title}
        )
    return Table(
        file_format="kobo",
        headers=list(household_headers) + list(member_headers),
        rows=rows,
        row_numbers=numbers,
        sheet=member_title,
        household_columns=set(range(len(household_headers))),
        kobo_households=households,
        household_sheet=household_title,
        household_row_numbers=household_rows_of,
    )
