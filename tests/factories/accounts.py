import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Organisation

PASSWORD = "a-long-test-password-42"


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
    full_name = factory.Faker("name", locale="en_GB")
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
