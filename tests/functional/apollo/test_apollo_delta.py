"""The delta pull against the fake Apollo: passes, delta detection, resume, splits, errors,
and what goes where (raw, bronze, private)."""

from __future__ import annotations

import json

import pyarrow as pa
from apollo_helpers import FakeClock, PullerFactory
from fake_apollo import FakeApollo, make_org

from thera_sdk import Ports
from thera_sdk.sources import Quota, Slice, Universe
from thera_sdk.storage import read_dataset, read_jsonl

FRANCE = Universe(locations=("France",), employee_ranges=("1,400",), per_page=10)


def _bronze(ports: Ports, dataset: str = "bronze/apollo_companies") -> pa.Table:
    return read_dataset(ports.objects, ports.settings.data_bucket, dataset)


def test_first_pass_emits_every_company_as_new(
    make_puller: PullerFactory, ports: Ports, apollo: FakeApollo
) -> None:
    # GIVEN 30 French companies, 10 per page
    # WHEN the first run pulls
    report = make_puller(FRANCE).run()
    # THEN the slice is done in one run and every company is new
    assert (report.status, report.pages, report.new, report.changed) == ("complete", 3, 30, 0)
    table = _bronze(ports)
    assert table.num_rows == 30
    assert set(table.column("change").to_pylist()) == {"new"}
    assert set(table.column("source").to_pylist()) == {"apollo"}
    assert len(set(table.column("id").to_pylist())) == 30


def test_second_pass_emits_only_new_and_changed(
    make_puller: PullerFactory, ports: Ports, apollo: FakeApollo
) -> None:
    make_puller(FRANCE).run()
    # GIVEN two companies changed, one new, and a volatile field moved everywhere
    french = [i for i, o in enumerate(apollo.orgs) if o["country"] == "France"]
    apollo.orgs[french[0]] = make_org(french[0], version=1)
    apollo.orgs[french[1]] = make_org(french[1], version=1)
    for org in apollo.orgs:
        org["alexa_ranking"] += 1
    apollo.orgs.append(make_org(1001))  # 1001 % 3 == 2 -> Spain; make it French
    apollo.orgs[-1]["country"] = "France"
    # WHEN the next run (the next day) pulls
    report = make_puller(FRANCE, day="2026-01-02").run()
    # THEN a new pass emits exactly those three
    assert report.pass_number == 2
    assert (report.new, report.changed, report.unchanged) == (1, 2, 28)
    day_two = read_dataset(ports.objects, ports.settings.data_bucket,
                           "bronze/apollo_companies", dates=["2026-01-02"])
    assert sorted(zip(day_two.column("id").to_pylist(), day_two.column("change").to_pylist(),
                      strict=True)) == sorted([
        (apollo.orgs[french[0]]["id"], "changed"), (apollo.orgs[french[1]]["id"], "changed"),
        ("org01001", "new")])


def test_quota_stop_resumes_at_the_same_page(
    make_puller: PullerFactory, apollo: FakeApollo, clock: FakeClock
) -> None:
    quota = Quota(per_minute=2, per_hour=100, per_day=100)
    first = make_puller(FRANCE, quota=quota).run()
    assert (first.status, first.pages, first.quota["window"]) == ("quota_exhausted", 2, "minute")
    clock.now = first.quota["resets_at"]
    second = make_puller(FRANCE, quota=quota).run()
    assert (second.status, second.pages, second.new) == ("complete", 1, 10)
    assert [page for _, page, _ in apollo.requests] == [1, 2, 3]


def test_errors_are_recorded_and_the_page_is_retried_next_run(
    make_puller: PullerFactory, ports: Ports, apollo: FakeApollo
) -> None:
    apollo.fail_next("malformed")
    first = make_puller(FRANCE).run()
    assert first.status == "partial" and first.pages == 0
    assert first.errors[0]["reason"] == "malformed_response" and first.errors[0]["page"] == 1
    stored = ports.tables.scan_all(ports.settings.table_name("apollo_state"))
    assert [i["reason"] for i in stored if i["pk"].startswith("error#")] == [
        "malformed_response"]
    second = make_puller(FRANCE).run()
    assert (second.status, second.pages, second.new) == ("complete", 3, 30)
    stored = ports.tables.scan_all(ports.settings.table_name("apollo_state"))
    assert not [i for i in stored if i["pk"].startswith("error#")]


def test_wrong_key_stops_the_run_as_failed(make_puller: PullerFactory, apollo: FakeApollo) -> None:
    apollo.fail_next("401")
    report = make_puller(FRANCE).run()
    assert report.status == "failed" and report.errors[0]["reason"] == "auth"


def test_deadline_passed_fetches_nothing(
    make_puller: PullerFactory, apollo: FakeApollo, clock: FakeClock
) -> None:
    report = make_puller(FRANCE).run(deadline=clock() - 1)
    assert report.status == "deadline" and apollo.requests == []


def test_oversized_slice_is_split_until_it_fits(
    make_puller: PullerFactory, ports: Ports, apollo: FakeApollo
) -> None:
    # GIVEN a cap of 2 pages of 5, and 30 companies in one slice (6 pages)
    universe = Universe(locations=("France",), employee_ranges=("1,400",), per_page=5,
                        max_pages=2)
    report = make_puller(universe).run()
    # THEN the slice was cut along employee ranges and every company still came out once
    assert report.status == "complete" and report.slices_split >= 1
    ids = _bronze(ports).column("id").to_pylist()
    assert len(ids) == len(set(ids)) == 30
    parent = Slice.of(dict(universe.slices()[0].filters))
    stored = ports.parameters.get(ports.settings.parameter_name(f"apollo/cursors/{parent.id}"))
    assert json.loads(stored.value)["split"]


def test_contacts_go_only_to_the_private_zone(make_puller: PullerFactory, ports: Ports) -> None:
    make_puller(FRANCE).run()
    public = _bronze(ports)
    text = json.dumps(public.to_pylist(), default=str)
    assert "+49 30" not in text and "phone" not in text
    private = _bronze(ports, "private/bronze/apollo_contacts")
    assert private.num_rows == 30
    assert all(phones for phones in private.column("phones").to_pylist())


def test_raw_pages_are_kept_as_jsonl(make_puller: PullerFactory, ports: Ports) -> None:
    make_puller(FRANCE).run()
    bucket = ports.settings.data_bucket
    keys = [o.key for o in ports.objects.iter_objects(bucket, "raw/apollo/date=2026-01-01/")]
    assert len(keys) == 3 and all(k.endswith(".jsonl.gz") for k in keys)
    record = next(read_jsonl(ports.objects, bucket, keys[0]))
    assert record["response"]["pagination"]["total_entries"] == 30
    assert record["filters"] == {"organization_locations": ["France"],
                                 "organization_num_employees_ranges": ["1,400"]}
