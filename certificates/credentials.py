"""Certificates as Open Badges 3.0 credentials (OpenBadgeCredential, W3C VC 2.0).

The credentials are unsigned: they carry no `proof`, and a verifier trusts them by
fetching them from the portal's own address (the `id`), as it would the verification
page. Revocation is published as a W3C Bitstring Status List that each credential
points to in `credentialStatus`, so any VC verifier can check it.
"""

import base64
import datetime as dt
import gzip

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Certificate
from .selectors import STATUS_LIST_SIZE, certificate_status_list_bits

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MEDIA_TYPE = "application/ld+json"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _iso(moment) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def issuer_profile() -> dict:
    return {
        "id": _absolute(reverse("certificates:issuer")),
        "type": ["Profile"],
        "name": settings.CERTIFICATE_ISSUER_NAME,
        "url": settings.SITE_URL,
    }


def status_list_url(list_number: int) -> str:
    return _absolute(reverse("certificates:status-list", kwargs={"number": list_number}))


def open_badge_credential(certificate: Certificate) -> dict:
    """The OpenBadgeCredential of an issued or revoked certificate."""
    programme = certificate.enrolment.cohort.programme
    list_number, index = divmod(certificate.pk, STATUS_LIST_SIZE)
    status_list = status_list_url(list_number)
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": _absolute(reverse("certificates:credential", kwargs={"code": certificate.code})),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{certificate.programme_name}: {certificate.cohort_title}",
        "issuer": issuer_profile(),
        "validFrom": _iso(certificate.issued_at),
        "awardedDate": _iso(certificate.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            # No identifier once the holder erased their account: the name is gone.
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": certificate.holder_name,
                    "identityType": "name",
                    "hashed": False,
                }
            ]
            if certificate.holder_name
            else [],
            "achievement": {
                "id": _absolute(programme.get_absolute_url()) + "#certificate",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": certificate.programme_name,
                "description": programme.summary,
                "criteria": {
                    "narrative": (
                        f"Completed {certificate.cohort_title}, meeting the completion "
                        f"rule of {certificate.programme_name}."
                    )
                },
            },
            "activityEndDate": f"{certificate.completed_on.isoformat()}T00:00:00Z",
        },
        "evidence": [
            {
                "id": certificate.get_public_verification_url(),
                "type": ["Evidence"],
                "name": "Verification page",
                "description": f"Verification code {certificate.display_code}",
            }
        ],
        "credentialStatus": {
            "id": f"{status_list}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": status_list,
        },
    }


def status_list_credential(list_number: int) -> dict:
    """The revocation list of certificates number list_number × STATUS_LIST_SIZE onwards."""
    url = status_list_url(list_number)
    compressed = gzip.compress(certificate_status_list_bits(list_number), mtime=0)
    encoded = base64.urlsafe_b64encode(compressed).decode().rstrip("=")
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_profile()["id"],
        "validFrom": _iso(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": f"u{encoded}",
        },
    }
