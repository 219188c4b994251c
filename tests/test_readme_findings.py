"""The table of sample findings in docs/identities.md (linked from the README) is exactly what check_results
holds after building the samples."""

from __future__ import annotations

from tools.findings import findings, markdown

from .conftest import REPO


def test_readme_findings_match_check_results(sample_build):
    doc = (REPO / "docs" / "identities.md").read_text(encoding="utf-8")
    documented = doc.split("<!-- findings:start -->")[1].split("<!-- findings:end -->")[0].strip()
    assert documented == markdown(findings(str(sample_build[0])))
