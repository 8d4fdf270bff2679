import pytest
from django.core.management import call_command


@pytest.fixture
def demo(db):
    """The Hưng Yên demo data, loaded by the same command as `make run`."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(username="staff", password="staff-password")
    client.force_login(user)
    return client
