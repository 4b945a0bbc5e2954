import base64
import gzip

import pytest
from django.urls import reverse

from certificates import services
from certificates.models import Certificate
from certificates.selectors import STATUS_LIST_SIZE
from tests.factories.certificates import CompletedEnrolmentFactory, IssuedCertificateFactory

pytestmark = pytest.mark.django_db


def verify_url(code):
    return reverse("certificates:verify-detail", kwargs={"code": code})


def revoke(certificate):
    services.certificate_revoke(
        certificate=certificate,
        actor=None,
        reason=Certificate.RevocationReason.MISCONDUCT,
        note="A private explanation",
    )
    certificate.refresh_from_db()


def test_the_form_takes_a_code_however_it_is_typed_to_its_page(client):
    certificate = IssuedCertificateFactory()
    page = client.get(reverse("certificates:verify"))
    assert "Verification code" in page.content.decode()
    typed = certificate.display_code.lower().replace("-", "").replace("0", "o")
    response = client.get(reverse("certificates:verify"), {"code": typed})
    assert response.status_code == 302
    assert response.url == verify_url(certificate.display_code)


def test_the_form_explains_what_a_code_looks_like(client):
    response = client.get(reverse("certificates:verify"), {"code": "ABC"})
    assert response.status_code == 200
    assert "16 letters and numbers" in response.content.decode()


def test_a_valid_certificate_shows_what_it_says_and_nothing_else_personal(client):
    certificate = IssuedCertificateFactory(
        enrolment__user__full_name="Ceri Williams", enrolment__user__email="ceri@example.org"
    )
    html = client.get(verify_url(certificate.display_code)).content.decode()
    assert "This certificate is valid" in html
    for text in ("Ceri Williams", certificate.programme_name, certificate.cohort_title):
        assert text in html
    assert certificate.completed_on.strftime("%-d %B %Y") in html
    assert "ceri@example.org" not in html
    assert certificate.enrolment.user.organisation is None or (
        certificate.enrolment.user.organisation.name not in html
    )


def test_a_code_typed_in_the_address_loosely_redirects_to_its_printed_form(client):
    certificate = IssuedCertificateFactory()
    response = client.get(verify_url(certificate.code.lower()))
    assert response.status_code == 302
    assert response.url == verify_url(certificate.display_code)


def test_a_revoked_certificate_says_so_with_date_and_reason_but_not_the_note(client):
    certificate = IssuedCertificateFactory()
    revoke(certificate)
    html = client.get(verify_url(certificate.display_code)).content.decode()
    assert "This certificate has been revoked" in html
    assert "Misconduct" in html
    assert certificate.revoked_at.strftime("%-d %B %Y") in html
    assert "A private explanation" not in html
    assert "is valid" not in html


def test_a_wrong_code_gets_a_404_page_without_hints(client):
    certificate = IssuedCertificateFactory(enrolment__user__full_name="Ceri Williams")
    near_miss = certificate.code[:-1] + ("A" if certificate.code[-1] != "A" else "B")
    for code in (near_miss, "not-a-code", "AAAA-AAAA-AAAA-AAAA"):
        response = client.get(verify_url(code))
        assert response.status_code == 404
        html = response.content.decode()
        assert "There is no certificate with this code" in html
        assert certificate.holder_name not in html
        assert certificate.display_code not in html


def test_a_certificate_not_yet_issued_cannot_be_verified(client):
    pending = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    assert client.get(verify_url(pending.display_code)).status_code == 404


def test_the_same_page_as_json(client):
    certificate = IssuedCertificateFactory()
    json_url = reverse("certificates:verify-detail-json", kwargs={"code": certificate.display_code})
    data = client.get(json_url).json()
    assert (
        data
        == client.get(verify_url(certificate.display_code), HTTP_ACCEPT="application/json").json()
    )
    assert data["status"] == "valid"
    assert data["holder_name"] == certificate.holder_name
    assert data["completed_on"] == certificate.completed_on.isoformat()
    assert data["revoked_on"] is None
    revoke(certificate)
    data = client.get(json_url).json()
    assert (data["status"], data["revocation_reason"]) == ("revoked", "misconduct")
    missing = client.get(reverse("certificates:verify-detail-json", kwargs={"code": "X" * 16}))
    assert missing.status_code == 404
    assert "There is no certificate" in missing.json()["message"]


def test_verification_is_rate_limited_per_client_for_get_requests(client):
    certificate = IssuedCertificateFactory()
    url = verify_url(certificate.display_code)
    statuses = [client.get(url).status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60
    assert statuses[60] == 429
    assert client.get(reverse("certificates:verify")).status_code == 429
    other = client.get(url, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_the_open_badges_credential_follows_revocation_through_its_status_list(client):
    certificate = IssuedCertificateFactory()
    credential = client.get(
        reverse("certificates:credential", kwargs={"code": certificate.code})
    ).json()
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "proof" not in credential  # unsigned, as documented
    subject = credential["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == certificate.holder_name
    assert subject["achievement"]["name"] == certificate.programme_name
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["validFrom"].endswith("Z")
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    index = int(status["statusListIndex"])
    assert index == certificate.pk % STATUS_LIST_SIZE
    list_path = status["statusListCredential"].removeprefix("http://127.0.0.1:8000")

    def revoked_bit() -> bool:
        encoded = client.get(list_path).json()["credentialSubject"]["encodedList"]
        assert encoded.startswith("u")
        data = encoded[1:]
        bits = gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        assert len(bits) * 8 == STATUS_LIST_SIZE
        return bool(bits[index // 8] & (0x80 >> (index % 8)))

    assert revoked_bit() is False
    revoke(certificate)
    assert revoked_bit() is True
    issuer = client.get(reverse("certificates:issuer")).json()
    assert issuer["id"] == credential["issuer"]["id"]


def test_there_is_no_credential_for_an_unknown_or_pending_certificate(client):
    pending = services.certificate_request_for_enrolment(enrolment=CompletedEnrolmentFactory())
    for code in (pending.code, "0" * 16):
        url = reverse("certificates:credential", kwargs={"code": code})
        assert client.get(url).status_code == 404
