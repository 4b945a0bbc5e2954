"""E-mail with a plain-text and an HTML part, rendered in the recipient's language."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> None:
    """Render `emails/<template>_subject.txt`, `.txt` and `.html` and send them to `to`.

    `attachments` are (file name, content, MIME type) triples.
    """
    context = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    message = EmailMultiAlternatives(" ".join(subject.split()), text, to=[to])
    message.attach_alternative(html, "text/html")
    for name, content, mimetype in attachments or []:
        message.attach(name, content, mimetype)
    message.send()
