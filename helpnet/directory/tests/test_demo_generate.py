from helpnet.directory.demo.generate import generate_services
from helpnet.directory.models import Attribute, Location, Service, ServiceArea
from helpnet.organizations.geography import MUNICIPALITIES


def test_generate_services_creates_the_requested_number_of_services(db):
    assert generate_services(50, seed=1) == 50
    assert Service.objects.count() == 50


def test_generated_services_pass_model_validation(db):
    generate_services(50, seed=1)
    for service in Service.objects.select_related("organization"):
        service.full_clean()
        service.organization.full_clean()


def test_every_generated_service_has_a_need_area_target_group_and_service_area(db):
    generate_services(50, seed=1)
    for service in Service.objects.all():
        types = set(Attribute.objects.filter(link_id=service.pk).values_list("link_type", flat=True))
        assert types >= {"need_area", "target_group"}
        assert ServiceArea.objects.filter(service=service, municipality__isnull=False).exists()


def test_generated_locations_lie_near_their_municipality(db):
    generate_services(50, seed=1)
    for location in Location.objects.filter(confidential=False).select_related("municipality"):
        muni = MUNICIPALITIES[location.municipality.slug]
        assert abs(location.latitude - muni[4]) < 0.2
        assert abs(location.longitude - muni[5]) < 0.3
        location.full_clean()


def test_the_same_seed_gives_the_same_services(db):
    generate_services(20, seed=7)
    first = list(Service.objects.order_by("created_at", "name").values_list("name", flat=True))
    Service.objects.all().delete()
    generate_services(20, seed=7)
    second = list(Service.objects.order_by("created_at", "name").values_list("name", flat=True))
    assert sorted(first) == sorted(second)


def test_generating_twice_adds_services_without_id_clashes(db):
    generate_services(10, seed=3)
    generate_services(10, seed=3)
    assert Service.objects.count() == 20
