"""The one way the product writes CSV: every CSV response, now and later, is
made by ``csv_response``.

Two promises, both for people who open the file in a spreadsheet:

* it starts with a UTF-8 byte order mark, so Excel reads "Chloé" as "Chloé"
  and not "ChloÃ©";
* no text cell is read as a formula: a cell starting with ``=``, ``+``, ``-``,
  ``@``, a TAB or a CR gets a leading ``'`` (OWASP, "CSV Injection"), so a
  display name like ``=HYPERLINK(…)`` stays text. Numbers (int, float,
  Decimal) are written as they are: a negative rating change stays a number.

Rows are streamed, so memory stays flat whatever the size of the export."""

import csv
import decimal
from collections.abc import Iterable

from django.http import StreamingHttpResponse

BOM = "\ufeff"
CONTENT_TYPE = "text/csv; charset=utf-8"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> object:
    """The cell as it is written: text that a spreadsheet would read as a
    formula gets a leading ``'``; numbers and empty cells are left alone."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (int, float, decimal.Decimal)):
        text = str(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    return value


class _Echo:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterable[str]:
    """The CSV text of ``rows`` line by line, the first starting with the BOM."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow([neutralise(value) for value in row])


def csv_response(rows: Iterable[Iterable], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of ``rows`` (the header row first), saved as
    ``filename``. The only CSV writer of the product: see the module's docstring."""
    response = StreamingHttpResponse(csv_lines(rows), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
