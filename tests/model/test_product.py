"""product/ - what a terminated process produced."""

import pytest

from conformance.observations import Expect
from conformance.outcomes import Outcome

from .build import LogBuilder, check_example, collector

PASS, FAIL, UNSEEN, NA = Outcome.PASS, Outcome.FAIL, Outcome.INCONCLUSIVE, Outcome.NOT_APPLICABLE

CASES = []
example = collector(CASES)


@example("product/available", PASS)
@example("product/stable", PASS)
def product_fetched_twice():
    b = LogBuilder()
    b.lifecycle(product="/product")
    return b.log


@example("product/available", UNSEEN)
@example("product/stable", UNSEEN)
def shutdown_without_product():
    b = LogBuilder()
    b.lifecycle(product=None)
    return b.log


@example("product/available", FAIL)
def product_link_dead():
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "terminated", product="/product")
    b.product("/product", status=404, body=b"", process=p)
    return b.log


@example("product/stable", PASS)
def same_etag():
    b = LogBuilder()
    b.product("/product", body=b"abc", etag='"v1"')
    b.product("/product", body=b"abc", etag='"v1"')
    return b.log


@example("product/stable", FAIL)
def content_changes():
    b = LogBuilder()
    b.product("/product", body=b"abc")
    b.product("/product", body=b"abd")
    return b.log


@example("product/stable", FAIL)
def etag_changes():
    b = LogBuilder()
    b.product("/product", body=b"abc", etag='"v1"')
    b.product("/product", body=b"abc", etag='"v2"')
    return b.log


@example("product/stable", UNSEEN)
def fetched_once():
    b = LogBuilder()
    b.product("/product")
    return b.log


@example("product/stable", UNSEEN)
def cut_bodies_are_not_compared():
    b = LogBuilder()
    b.product("/product", body=b"abc")
    b.product("/product", body=b"abd").ex.truncated = True
    return b.log


@example("product/stable", UNSEEN)
@example("product/available", FAIL)
def second_fetch_failed():
    b = LogBuilder()
    b.product("/product", body=b"abc")
    b.product("/product", status=500, body=b"")
    return b.log


@example("product/stable", PASS)
def single_product_uri_names_the_latest_product():
    # Seed single pattern: /product is the product of the latest process; a new one may replace it.
    b = LogBuilder("single")
    for n, expect in ((1, Expect.ACCEPT), (2, Expect.REACCEPT)):
        p = b.accept(expect=expect)
        b.poll(p, "terminated", product="/product")
        b.product("/product", body=f"product {n}", process=p)
        b.product("/product", body=f"product {n}", process=p)
    return b.log


@example("product/stable", UNSEEN)
def fetched_once_before_and_once_after_another_process():
    b = LogBuilder("single")
    p = b.accept()
    b.poll(p, "terminated", product="/product")
    b.product("/product", body="product 1", process=p)
    b.accept(expect=Expect.REACCEPT)
    b.product("/product", body="product 2", process=p)
    return b.log


@example("product/stable", FAIL)
def multi_product_changes_while_another_process_runs():
    # Process B, still running, cannot have replaced A's product: B's own product link is another URI.
    b = LogBuilder("multi")
    a, other = b.accept("/process/a"), b.accept("/process/b")
    b.poll(other, "running", 0.1)
    b.poll(a, "terminated", product="/product/a")
    b.product("/product/a", body="first", process=a)
    b.product("/product/a", body="second", process=a)
    b.poll(other, "terminated", product="/product/b")
    return b.log


@example("product/stable", PASS)
def multi_product_stable_while_another_process_ends_without_product():
    b = LogBuilder("multi")
    a, other = b.accept("/process/a"), b.accept("/process/b")
    b.poll(a, "terminated", product="/product/a")
    b.product("/product/a", body="same", process=a)
    b.poll(other, "terminated")
    b.product("/product/a", body="same", process=a)
    return b.log


def two_processes(first: str, second: str):
    b = LogBuilder("multi")
    for n, product in ((1, first), (2, second)):
        p = b.accept(f"/process/{n}")
        b.poll(p, "terminated", product=product)
    return b.log


@example("product/distinct", PASS)
def distinct_products():
    return two_processes("/product/1", "/product/2")


@example("product/distinct", FAIL)
def shared_product():
    return two_processes("/product", "../product")  # both resolve to /product against /process/n


@example("product/distinct", UNSEEN)
def one_product_only():
    b = LogBuilder("multi")
    b.lifecycle("/process/1", "/product/1")
    return b.log


@example("product/distinct", NA)
def distinct_in_single():
    b = LogBuilder("single")
    b.lifecycle()
    b.lifecycle()
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)
