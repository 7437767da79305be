"""Reading numbers people type after a command (/withdraw 3, /metoo #12, /hide 40).

``str.isdigit`` accepts "²" and "٣", which ``int`` then rejects or reads as another number;
only ASCII digits are numbers here, and only as large as a database id can be, so a stray
character or a pasted 40-digit number gets the command's usage line, not a crash.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER, the type of every id column
_NUMBER = re.compile(r"#?([0-9]{1,10})")


def parse_number(text: str) -> int | None:
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    value = int(match.group(1))
    return value if 0 < value <= MAX_ID else None
