"""Office Open XML files (xlsx, docx) made reproducible: same report, same bytes.

Both libraries stamp the save time into ``docProps/core.xml`` and into every zip entry;
``reproducible`` rewrites the archive with the report's own date instead.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_STAMP = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def document_time(on: dt.date) -> dt.datetime:
    """The timestamp written into a document's properties: the report's date, at midnight."""
    return dt.datetime(on.year, on.month, on.day)


def reproducible(data: bytes, on: dt.date) -> bytes:
    stamp = document_time(on).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _STAMP.sub(rb"\g<1>" + stamp + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_EPOCH)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()
