import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_record
from tests.factories.accounts import AdminFactory, UserFactory


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted():
    entry = audit_record(actor=None, action="test.done", target=UserFactory())
    entry.reason = "rewritten"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.update(reason="x")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_changes_to_entries():
    audit_record(actor=None, action="test.done", target=UserFactory())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET reason = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")


@pytest.mark.django_db
def test_an_entry_rolls_back_with_the_change_it_records():
    def change_then_fail():
        with transaction.atomic():
            audit_record(actor=None, action="test.done", target=UserFactory())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_admins_filter_the_trail(client):
    admin = AdminFactory()
    person = UserFactory()
    audit_record(actor=admin, action="user.role_changed", target=person, after={"role": "x"})
    audit_record(actor=person, action="application.withdrawn", target=person)
    client.force_login(admin)
    html = client.get(reverse("audit:entry-list"), {"action": "user.role_changed"}).content
    assert b"user.role_changed" in html
    assert b"<code>application.withdrawn</code>" not in html
    html = client.get(reverse("audit:entry-list"), {"actor_email": person.email}).content
    assert b"<code>application.withdrawn</code>" in html
    assert b"<code>user.role_changed</code>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_the_trail_keeps_its_query_count(client, django_assert_num_queries, count):
    admin = AdminFactory()
    for _ in range(count):
        audit_record(actor=UserFactory(), action="test.done", target=admin)
    client.force_login(admin)
    # session, user, action choices, type choices, count, page, session save (3)
    with django_assert_num_queries(9):
        assert client.get(reverse("audit:entry-list")).status_code == 200
