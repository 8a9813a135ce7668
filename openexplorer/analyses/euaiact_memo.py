"""The EU AI Act pre-check's memo: the result of :func:`openexplorer.analyses.euaiact.precheck`
written out as Markdown, with the sources and the notice that it is not legal advice."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openexplorer.analyses.euaiact import (
    LEGAL_SOURCES,
    NOT_LEGAL_ADVICE,
    PreCheck,
)

__all__ = ["memo_lines", "memo_markdown"]


_STATUS_WORDS = {"pass": "PASS", "fail": "FAIL", "unknown": "UNKNOWN"}
_SYSTEMIC_WORDS = {"presumed": "PRESUMED SYSTEMIC RISK", "below": "below the threshold",
                   "unknown": "unknown"}
from openexplorer.views.model import ReleaseView


def _md(text: Any) -> str:
    return str(text if text is not None else "–").replace("|", "\\|").replace("\n", " ")


def _link(url: str | None) -> str:
    return f" — <{url}>" if url else ""


def memo_lines(check: PreCheck) -> Sequence[str]:
    """The body of the memo (conditions and what remains), without header and sources."""
    out = ["## Conditions", "", "| | condition | result | in short |", "|---|---|---|---|"]
    for c in check.conditions:
        out.append(f"| ({c.key}) | {_md(c.name)} | **{_STATUS_WORDS[c.status]}** | "
                   f"{_md(c.summary)} |")
    for c in check.conditions:
        out += ["", f"### ({c.key}) {c.name}: {_STATUS_WORDS[c.status]}", "",
                f"*{c.requirement}*", "", c.summary, ""]
        if not c.evidence:
            out.append("- no evidence recorded")
        for e in c.evidence:
            stale = ", over a year old" if e.stale else ""
            when = f" ({e.when}{stale})" if e.when else ""
            out.append(f"- {_STATUS_WORDS[e.status].lower()}: **{e.source_name}**{when}: "
                       f"{e.text}{_link(e.url)}")
    risk = check.systemic_risk
    out += ["", "## What the route does not remove", ""]
    for name, basis in check.not_removed:
        out.append(f"- **{name}.** {basis}")
    out += ["", f"**Systemic risk: {_SYSTEMIC_WORDS[risk.status]}.** {risk.text}"]
    for e in risk.evidence:
        out.append(f"- {e.source_name} ({e.when or 'undated'}): {e.text}{_link(e.url)}")
    return out


def memo_markdown(check: PreCheck, view: ReleaseView, snapshot_date: str | None) -> str:
    """The pre-check as a dated Markdown memo, marked "not legal advice", citing its sources."""
    from openexplorer.analyses.export import citations  # export imports views; keep this module light

    org = view.organization or check.organization
    out = [
        f"# EU AI Act open-source route: pre-check of {check.name}",
        "",
        f"> **{NOT_LEGAL_ADVICE}**",
        "",
        f"- **Memo date:** {check.date}",
        f"- **Data snapshot:** {snapshot_date or 'unknown'}",
        f"- **Release:** {_md(check.name)} (`{check.release_id}`)"
        + (f", {_md(org)}" if org else ""),
        f"- **Licence as recorded:** {_md(check.license or 'none recorded')}",
        "- **Legal basis:** Regulation (EU) 2024/1689 (AI Act), Art. 53(2) and 54(6) "
        "(open-source route for general-purpose AI models), recitals 102–104; Art. 51(2) "
        "(systemic-risk presumption).",
        "",
        f"## Result: {_STATUS_WORDS[check.verdict]}",
        "",
        check.headline,
        "",
        "The route applies only to general-purpose AI models and only to their provider; this "
        "pre-check assumes both and checks the conditions on the evidence OpenExplorer holds.",
        "",
        *memo_lines(check),
        "",
        "## How each condition was decided",
        "",
        "A condition passes when a source shows it met (and no source shows a decisive "
        "failure, such as a gate excluding EU users); it fails when the evidence shows it not "
        "met and nothing shows it met; otherwise it is unknown. The licence passes only when "
        "it is OSI-approved, FSF-libre or on the MOF's open-licence list with no restriction "
        "of use; any use restriction fails it (the strict reading). Monetisation stays unknown "
        "unless a source shows it. Evidence over a year old on the memo date is marked. See "
        "docs/eu-ai-act.md.",
        "",
        "## Legal texts",
        "",
        *(f"- {title}. {url}" for title, url in LEGAL_SOURCES),
        "",
        citations(check.sources, snapshot_date),
        f"*{NOT_LEGAL_ADVICE}* Made by OpenExplorer on {check.date}.",
    ]
    return "\n".join(out) + "\n"


