"""What a restore drill found, and its report as an operator reads it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from audit.domain import Verdict


@dataclass(frozen=True)
class TableCount:
    source: str
    restored: str
    source_items: int
    restored_items: int

    @property
    def difference(self) -> int:
        """Items the live table has more than its restore: written since the
        restore time (negative: deleted or expired since)."""
        return self.source_items - self.restored_items


@dataclass(frozen=True)
class DrillReport:
    to_time: datetime
    counts: tuple[TableCount, ...]
    audit_table: str
    verdict: Verdict
    removed: bool

    @property
    def counts_equal(self) -> bool:
        return all(count.difference == 0 for count in self.counts)

    @property
    def passed(self) -> bool:
        """Every table restored and every audit chain in the restore intact.
        Counts that differ are reported, not failed: in AWS the live tables
        go on taking writes after the restore time."""
        return self.verdict.intact


def report_lines(report: DrillReport) -> list[str]:
    width = max(len(count.source) for count in report.counts)
    lines = [
        f"Restore drill: every table as it was at {report.to_time.isoformat()}",
        "",
        f"{'table':{width}}  {'live':>8}  {'restored':>8}  comparison",
    ]
    for count in report.counts:
        if count.difference == 0:
            comparison = "equal"
        elif count.difference > 0:
            comparison = f"{count.difference} written since"
        else:
            comparison = f"{-count.difference} removed since"
        lines.append(
            f"{count.source:{width}}  {count.source_items:>8}  {count.restored_items:>8}  {comparison}"
        )
    verdict = report.verdict
    lines += [
        "",
        f"Audit chains in {report.audit_table}: {verdict.chains_checked} chains, "
        f"{verdict.events_checked} events checked.",
    ]
    if verdict.intact:
        lines.append("Every chain is intact.")
    for finding in verdict.findings:
        lines.append(
            f"{finding.kind.upper():13} {finding.chain_id} seq {finding.chain_seq}: {finding.message}"
        )
    lines.append(
        f"The {len(report.counts)} restore tables were removed."
        if report.removed
        else f"The {len(report.counts)} restore tables were kept (--keep): delete them when done."
    )
    lines.append("Drill passed." if report.passed else "Drill FAILED: the restored audit trail is broken.")
    return lines
