"""The patient's secure messages in their record's download: each message
as a FHIR R4 `Communication` (its thread's subject as the topic, the
message it answers as `inResponseTo`, so a thread reads in order inside the
bundle), and a "Messages" section of the PDF (each thread's subject, then
who wrote each message and when, in the clinic's time). Pure
transformations of what the selector read; no I/O."""

from __future__ import annotations

from collections.abc import Callable

from fhir.resources.R4B.communication import Communication
from fpdf import FPDF

from medisecure.clinic_time import clinic_datetime
from patients.messages.domain import PATIENT, Message, Thread

Thread_ = tuple[Thread, list[Message]]


def communications(
    threads: list[Thread_], *, subject: dict, id_of: Callable[..., str], instant: Callable[[str], str]
) -> list[Communication]:
    """One Communication per message, thread by thread, oldest first.
    `subject` references the bundle's Patient; `id_of` makes the bundle's
    stable ids from ours; `instant` turns a stored time into a FHIR one."""
    resources = []
    for thread, messages in threads:
        previous = ""
        for message in messages:
            resource_id = id_of("message", thread.thread_id, str(message.seq))
            doctor = {"display": thread.provider_name}
            from_patient = message.side == PATIENT
            values: dict = {
                "id": resource_id,
                "status": "completed",
                "subject": subject,
                "topic": {"text": thread.subject},
                "sent": instant(message.sent_at),
                "sender": subject if from_patient else doctor,
                "recipient": [doctor if from_patient else subject],
                "payload": [{"contentString": message.body}],
                "identifier": [
                    {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{id_of('thread', thread.thread_id)}"}
                ],
            }
            if message.document_name:
                values["payload"].append({"contentAttachment": {"title": message.document_name}})
            if previous:
                values["inResponseTo"] = [{"reference": f"urn:uuid:{previous}"}]
            resources.append(Communication(**values))
            previous = resource_id
    return resources


def messages_pdf_section(
    pdf: FPDF,
    threads: list[Thread_],
    *,
    heading: Callable[[FPDF, str], None],
    text: Callable[[str], str],
    font: str,
) -> None:
    """The PDF's "Messages" section: each thread's subject, then each
    message with who wrote it and when (clinic time), and what it said."""
    heading(pdf, "Messages")
    if not threads:
        pdf.cell(0, 6, "No messages.", new_x="LMARGIN", new_y="NEXT")
        return
    for thread, messages in threads:
        pdf.set_font(font, "B", 11)
        closed = " (closed)" if thread.closed else ""
        pdf.multi_cell(0, 6, text(f"{thread.subject}{closed}"), new_x="LMARGIN", new_y="NEXT")
        for message in messages:
            who = "You" if message.side == PATIENT else message.author_name
            pdf.set_font(font, "B", 10)
            pdf.multi_cell(
                0, 6, text(f"{clinic_datetime(message.sent_at)} - {who}"), new_x="LMARGIN", new_y="NEXT"
            )
            pdf.set_font(font, "", 10)
            pdf.multi_cell(0, 6, text(message.body), new_x="LMARGIN", new_y="NEXT")
            if message.document_name:
                pdf.multi_cell(
                    0, 6, text(f"Attached: {message.document_name}"), new_x="LMARGIN", new_y="NEXT"
                )
            pdf.ln(1)
        pdf.ln(2)
