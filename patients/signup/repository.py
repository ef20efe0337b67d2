"""Every DynamoDB call for self-signup: the patient-provisional table, which
holds each address's sign-ups (keyed by email and when they started), one
ledger item of its recent sends, and for a sign-up whose code was proven a
small item keyed by its finish link's HMAC ("link#<hash>", "#link") that
points back to the sign-up. Nothing in it is a password or can be turned
into one.

Writes are added to a unit of work, each with the exception its guard
raises: a sign-up is replaced only from the state it was read in
(SignupMoved), a ledger only from the version it was read at
(SendLedgerMoved)."""

from __future__ import annotations

from boto3.dynamodb.conditions import Attr
from botocore.exceptions import ClientError

from medisecure import dynamo
from medisecure.tables import PATIENT_PROVISIONAL
from medisecure.unit_of_work import Transaction
from patients.signup.domain import SendLedger, SendLedgerMoved, Signup, SignupMoved, SignupRef

# Each address also has one ledger item of its recent sends, beside its
# sign-ups. It has no status, so it stays out of StatusIndex; its sort key
# is no clock.stamp() and sorts before every one.
LEDGER_SORT_KEY = "#send-ledger"

_SIGNUP_ATTRIBUTES = {
    "email": "email",
    "created_at": "createdAt",
    "signup_id": "signupId",
    "status": "status",
    "for_existing_account": "existingAccount",
    "code_digest": "codeHash",
    "code_expires_at": "codeExpiresAt",
    "attempts": "attempts",
    "expires_at": "expiresAt",
    "given_name": "givenName",
    "family_name": "familyName",
    "date_of_birth": "dateOfBirth",
    "phone": "phone",
    "link_digest": "linkHash",
    "patient_id": "patientId",
    "verified_at": "verifiedAt",
}
# What a concurrent verify or resend changes: a transition replaces the row
# only if none of these moved since it was read.
_SIGNUP_STATE = ("status", "codeHash", "attempts", "codeExpiresAt")


def _signup_values(signup: Signup) -> dict:
    values = {attribute: getattr(signup, name) for name, attribute in _SIGNUP_ATTRIBUTES.items()}
    return {attribute: value for attribute, value in values.items() if value != ""}


def _signup_from(values: dict) -> Signup:
    fields = {name: values.get(attribute, "") for name, attribute in _SIGNUP_ATTRIBUTES.items()}
    fields["for_existing_account"] = bool(values.get("existingAccount", False))
    for number in ("code_expires_at", "attempts", "expires_at"):
        fields[number] = int(values.get(_SIGNUP_ATTRIBUTES[number], 0))
    return Signup(**fields)


def _key(email: str, created_at: str) -> dict:
    # The one place the row's key is spelled: the sign-up's own created_at
    # (its clock.stamp(), as the browser's reference carries it back).
    return {"email": email, "createdAt": created_at}


def signup_get(email: str, created_at: str) -> Signup | None:
    """A sign-up, read consistently: its state decides whether a code counts."""
    response = dynamo.client().get_item(
        TableName=dynamo.name(PATIENT_PROVISIONAL),
        Key=dynamo.to_item(_key(email, created_at)),
        ConsistentRead=True,
    )
    item = response.get("Item")
    return _signup_from(dynamo.from_item(item)) if item else None


def signup_add(tx: Transaction, signup: Signup) -> None:
    """Store a new sign-up; refused (SignupMoved) if a row has its key."""
    tx.add(
        dynamo.put_entry(PATIENT_PROVISIONAL, _signup_values(signup), Attr("email").not_exists()),
        refused=SignupMoved,
    )


def signup_replace(tx: Transaction, before: Signup, after: Signup) -> None:
    """Move a sign-up from the state it was read in to `after`; refused
    (SignupMoved) if a concurrent request moved it first."""
    state = _signup_values(before)
    condition = dynamo.unchanged({attribute: state.get(attribute) for attribute in _SIGNUP_STATE})
    tx.add(dynamo.put_entry(PATIENT_PROVISIONAL, _signup_values(after), condition), refused=SignupMoved)


LINK_SORT_KEY = "#link"


def _link_key(digest: str) -> dict:
    return _key(f"link#{digest}", LINK_SORT_KEY)


def link_add(tx: Transaction, *, digest: str, ref: SignupRef, expires_at: int) -> None:
    """The finish link's pointer to its sign-up (a new random secret each
    time: refused, SignupMoved, only if it came up twice)."""
    values = {
        **_link_key(digest),
        "signupEmail": ref.email,
        "signupCreatedAt": ref.created_at,
        "expiresAt": expires_at,
    }
    tx.add(dynamo.put_entry(PATIENT_PROVISIONAL, values, Attr("email").not_exists()), refused=SignupMoved)


def link_ref_get(digest: str) -> tuple[SignupRef, int] | None:
    """The sign-up a finish link points to, and until when, or None."""
    values = dynamo.get(PATIENT_PROVISIONAL, _link_key(digest))
    if not values:
        return None
    return SignupRef(email=values["signupEmail"], created_at=values["signupCreatedAt"]), int(
        values["expiresAt"]
    )


def ledger_get(email: str) -> SendLedger:
    response = dynamo.client().get_item(
        TableName=dynamo.name(PATIENT_PROVISIONAL),
        Key=dynamo.to_item(_key(email, LEDGER_SORT_KEY)),
        ConsistentRead=True,
    )
    values = dynamo.from_item(response.get("Item", {}))
    return SendLedger(
        email=email,
        sent_at=tuple(int(moment) for moment in values.get("sentAt", [])),
        version=int(values.get("version", 0)),
        senders=tuple(str(sender) for sender in values.get("senders", [])),
    )


def _ledger_put(before: SendLedger, after: SendLedger) -> dict:
    values = {
        **_key(after.email, LEDGER_SORT_KEY),
        "sentAt": list(after.sent_at),
        "senders": list(after.senders),
        "version": after.version,
        # Sends older than an hour no longer count; nor does the ledger then.
        "expiresAt": (max(after.sent_at) if after.sent_at else 0) + 3600,
    }
    guard = Attr("email").not_exists() if before.version == 0 else Attr("version").eq(before.version)
    return dynamo.put_entry(PATIENT_PROVISIONAL, values, guard)


def ledger_save(tx: Transaction, before: SendLedger, after: SendLedger) -> None:
    """Record `after`, only if no one else recorded a send since `before`
    (else SendLedgerMoved)."""
    tx.add(_ledger_put(before, after), refused=SendLedgerMoved)


def ledger_take_back(before: SendLedger, after: SendLedger) -> bool:
    """Record `after` on its own (a send taken back); False if someone else
    recorded a send first, whose record then stands."""
    put = _ledger_put(before, after)["Put"]
    try:
        dynamo.client().put_item(
            TableName=dynamo.name(PATIENT_PROVISIONAL),
            **{key: value for key, value in put.items() if key != "TableName"},
        )
    except ClientError as error:
        if dynamo.is_conditional_failure(error):
            return False
        raise
    return True
