"""The README's table of sample findings is exactly what check_results holds after building the samples."""

from __future__ import annotations

from tools.findings import findings, markdown

from .conftest import REPO


def test_readme_findings_match_check_results(sample_build):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = readme.split("<!-- findings:start -->")[1].split("<!-- findings:end -->")[0].strip()
    assert documented == markdown(findings(str(sample_build[0])))
