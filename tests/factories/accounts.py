import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from faker import Faker

from accounts.models import Organisation

PASSWORD = "a-long-test-password-42"
_fake = Faker("en_GB")


def _full_name() -> str:
    """A made-up name that a page shows as it is: Faker's O'Sullivan comes out of the
    template as O&#x27;Sullivan, so a test looking for the name in the HTML would fail
    (or, asking for it not to be there, pass whatever the page showed). The typographic
    apostrophe reads the same and is not escaped."""
    return _fake.name().replace("'", "\u2019")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Organisation {n} Council")
    sector = Organisation.Sector.LOCAL
    nation = Organisation.Nation.ENGLAND


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.LazyFunction(_full_name)
    email_confirmed_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class SponsorFactory(UserFactory):
    role = get_user_model().Role.SPONSOR
    organisation = factory.SubFactory(OrganisationFactory)


class FacilitatorFactory(UserFactory):
    role = get_user_model().Role.FACILITATOR


class AdminFactory(UserFactory):
    role = get_user_model().Role.ADMIN
    is_staff = True
    is_superuser = True
