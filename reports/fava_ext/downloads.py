"""The reports the Funds page offers for download: a fixed registry, nothing else.

A download is looked up by its name in `REPORTS`; an unknown name is a 404 before anything
runs. Each report is built in memory from the same data the page shows and sent under a
fixed file name (a fund id, already checked against the declared funds, is the only part
that varies). Nothing from the request reaches a filesystem path.

Adding a report is one line: `REPORTS["name"] = Download(...)`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable

from reports.fava_ext.page import FundsView
from reports.funds import FundSummary, to_json


@dataclasses.dataclass(frozen=True)
class Request:
    """What a report builder gets: the page's data, the books, and the fund if one is asked."""

    view: FundsView
    entries: list  # every entry of the books (unfiltered), for reports over whole years
    options: dict
    fund: FundSummary | None


@dataclasses.dataclass(frozen=True)
class Download:
    label: str  # the link text on the page
    filename: str  # "{fund}" is replaced by the (validated) fund id
    mimetype: str
    build: Callable[[Request], bytes]
    per_fund: bool = False  # offered on a fund's page (needs ?fund=)
    offered: Callable[[FundSummary], bool] = lambda _s: True  # for which funds


def _funds_json(req: Request) -> bytes:
    return json.dumps(to_json(req.view.to_end), indent=2).encode()


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

REPORTS: dict[str, Download] = {
    "funds.json": Download("Funds (JSON)", "funds.json", "application/json", _funds_json),
}


def offered(fund: FundSummary | None) -> list[tuple[str, Download]]:
    """The downloads to link: the books-wide ones, or the ones for this fund."""
    if fund is None:
        return [(name, d) for name, d in REPORTS.items() if not d.per_fund]
    return [(name, d) for name, d in REPORTS.items() if d.per_fund and d.offered(fund)]
