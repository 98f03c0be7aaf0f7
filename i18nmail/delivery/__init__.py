"""Delivery: send one email or a million over SMTP, once per idempotency key.

::

    from i18nmail import Mailer
    from i18nmail.delivery import Journal, Outbox, SMTPTransport

    outbox = Outbox(Mailer(), SMTPTransport("smtp://mail.example:587?starttls=1"),
                    Journal("outbox.sqlite"))
    outbox.send("order-10432-cancelled", "order_cancelled_out_of_stock",
                locale="sv-SE", context={...}, to="Emma Lind <emma@example.se>")
    report = outbox.send_many(events, workers=2, progress=True)

Modules: :mod:`.transport` (SMTP and dry-run transports), :mod:`.journal`
(the SQLite journal and the :class:`JournalBackend` protocol other stores
implement), :mod:`.outbox` (render, claim, send, record), :mod:`.workers`
(render processes), :mod:`.events` (JSON Lines input), :mod:`.results`.
"""

from .journal import (
    JOURNAL_SCHEMES,
    Claim,
    Journal,
    JournalBackend,
    JournalEntry,
    message_id_for,
    open_journal,
)
from .outbox import Outbox, Prepared, prepare
from .results import Event, SendReport, SendResult
from .transport import Delivery, DirectoryTransport, SMTPTransport, Transport

__all__ = [
    "JOURNAL_SCHEMES",
    "Claim",
    "Delivery",
    "DirectoryTransport",
    "Event",
    "Journal",
    "JournalBackend",
    "JournalEntry",
    "Outbox",
    "Prepared",
    "SMTPTransport",
    "SendReport",
    "SendResult",
    "Transport",
    "message_id_for",
    "open_journal",
    "prepare",
]
