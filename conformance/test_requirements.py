"""One test per requirement and pattern; collected by ``pytest --pyargs conformance``.

Each test reads its verdict from the run's report (the run happens once per
pattern, on first use) and maps it onto pytest: pass and info pass, fail and
error fail, warn fails only with --conformance-strict, not-applicable and
inconclusive are skipped with their reason.
"""

import pytest

from conformance.plugin import cases, check_requirement


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        found = cases(metafunc.config)
        metafunc.parametrize("case", found, ids=[f"{p}:{r}" for p, r in found])


@pytest.mark.conformance
def test_requirement(case, request, record_xml_attribute) -> None:
    pattern, req_id = case
    group = req_id.split("/", 1)[0]
    record_xml_attribute("classname", group)
    record_xml_attribute("name", req_id if _one_pattern(request.config) else f"{req_id} [{pattern}]")
    check_requirement(request.config, pattern, req_id)


def _one_pattern(config) -> bool:
    return len({p for p, _ in cases(config)}) == 1
