"""The clinic's letterhead, as a printed page (a visit's summary, the
record's PDF) heads itself: its name, address and phone, from settings."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str
    phone: str

    @property
    def lines(self) -> list[str]:
        return [
            line
            for line in (self.address, _("Phone %(phone)s") % {"phone": self.phone} if self.phone else "")
            if line
        ]


def clinic_letterhead(*, place: str = "", address: str = "", phone: str = "") -> Letterhead:
    """The clinic's letterhead; a visit's own place (its location's name,
    address and phone) where the appointment has one."""
    name = settings.CLINIC_NAME if not place else f"{settings.CLINIC_NAME}, {place}"
    return Letterhead(
        name=name, address=address or settings.CLINIC_ADDRESS, phone=phone or settings.CLINIC_PHONE
    )
