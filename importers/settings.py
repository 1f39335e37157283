"""Where a source's money goes, as declared in the books.

    2017-01-01 custom "fundledger-source" "paypal"
      account: "Assets:PayPal"
      fund: "general"
    2017-03-01 custom "fundledger-source" "casefunder" "jr-surveillance"
      campaign: "northgate-jr"
      transfer: "Assets:Held:Harbour-Vale"
    2017-01-01 custom "fundledger-profile" "imports/profiles/mybank.toml"

Keys are the profile's account keys (account, income, fees, platform-fees, transfer,
expense, ...) plus `fund` and `campaign`. Precedence, lowest first: the profile's own
[accounts], the source's directive, the directive for the row's campaign, the row's rule,
then --fund on the command line (fund only). With no fund anywhere: the first declared
unrestricted fund.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from beancount.core.data import Custom, Transaction

from importers.profile import Profile
from ledger import firms as firmlib
from ledger import funds

SOURCE = "fundledger-source"
PROFILE = "fundledger-profile"
RULE = "fundledger-rule"  # the treasurer's rules (importers.classify)


@dataclass
class Settings:
    source: dict[str, dict[str, dict]] = field(default_factory=dict)  # name -> campaign -> keys
    general: str = ""
    budgeted: set[str] = field(default_factory=set)
    profiles: list[Path] = field(default_factory=list)
    fund_override: str = ""
    # source -> its rules in the books, as (file:line, keys); "*" for every source
    rules: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)
    suspense: bool = False  # --unclassified suspense
    # import-id -> the entry holding it in the books, and a look-up of this run's entries
    # (a Txn, or an entry's text): a PayPal conversion restates the payment it converted
    # (importers.paypal).
    booked: dict[str, object] = field(default_factory=dict)
    in_run: Callable[[str], object] | None = None
    restated: set[str] = field(default_factory=set)  # payments some entry `converts:` already
    # Payments converted in an earlier file of this run but not booked yet: id -> (gave,
    # its currency, got, its currency); the payment's own file prices it at that rate.
    converted: dict[str, tuple] = field(default_factory=dict)
    firms: dict[str, firmlib.Firm] = field(default_factory=dict)  # the books' law firms

    def entry(self, iid: str):
        """The entry holding an import-id, in the books or from this run, or None."""
        got = self.booked.get(iid)
        return got if got is not None or self.in_run is None else self.in_run(iid)

    def rules_for(self, source: str) -> list[tuple[str, dict]]:
        return self.rules.get(source, []) + self.rules.get("*", [])

    def received(self, iid: str) -> bool:
        """Whether the entry holding an import-id (books or this run) took money in as
        income: what a refund must name to be one."""
        entry = self.entry(iid)
        if entry is None:
            return False
        if isinstance(entry, str):  # an entry's text, from a txn.Block of this run
            return any(line.split()[0].startswith("Income:") and line.split()[1][:1] == "-"
                       for line in entry.splitlines()[1:]
                       if line.startswith("  ") and len(line.split()) >= 3)
        if isinstance(entry, Transaction):
            return any(p.account.startswith("Income:") and p.units.number < 0
                       for p in entry.postings)
        return (any(p.account.startswith("Income:") and p.number < 0 for p in entry.postings)
                or any(x < 0 for _fund, _cur, x in entry.income))

    def accounts(self, profile: Profile, campaign: str = "") -> dict:
        got = dict(profile.accounts)
        declared = self.source.get(profile.name, {})
        got.update(declared.get("", {}))
        if campaign:
            got.update(declared.get(campaign.casefold(), {}))
        return got


def _meta(entry: Custom) -> dict:
    return {k: v for k, v in entry.meta.items()
            if k not in ("filename", "lineno") and not k.startswith("__")}


def from_entries(entries, books_dir: Path | None = None, fund: str = "") -> Settings:
    s = Settings(fund_override=fund)
    s.firms = firmlib.declarations(entries)
    for e in entries:
        if not isinstance(e, Custom):
            if isinstance(e, Transaction) and e.meta and "import-id" in e.meta:
                s.booked[e.meta["import-id"]] = e
                if "converts" in e.meta:
                    s.restated.add(e.meta["converts"])
            continue
        values = [v.value for v in e.values]
        if e.type == "fund" and len(values) == 2 and values[1] == "unrestricted" and not s.general:
            s.general = values[0]
        elif e.type == funds.BUDGET and values:
            s.budgeted.add(values[0])
        elif e.type == SOURCE and values:
            meta = _meta(e)
            if len(values) > 1 and "fund" not in meta:
                meta["fund"] = values[1]
            campaign = str(meta.pop("campaign", "")).casefold()
            s.source.setdefault(str(values[0]), {}).setdefault(campaign, {}).update(meta)
        elif e.type == RULE and values:
            where = f"{e.meta.get('filename', '<books>')}:{e.meta.get('lineno', 0)}"
            s.rules.setdefault(str(values[0]), []).append((where, _meta(e)))
        elif e.type == PROFILE and values:
            s.profiles.append(_profile_path(values[0], books_dir))
    return s


def own_profiles(entries, books_dir: Path | None = None) -> list[Path]:
    """The books' own profile files (from_entries' `profiles`, without the rest)."""
    return [_profile_path(e.values[0].value, books_dir) for e in entries
            if isinstance(e, Custom) and e.type == PROFILE and e.values]


def _profile_path(value, books_dir: Path | None) -> Path:
    p = Path(str(value))
    return books_dir / p if not p.is_absolute() and books_dir is not None else p
