"""Fixtures for the report tests: the korea-2019 report, built once per session with a small sweep."""

from __future__ import annotations

from pathlib import Path

import pytest

import allied
from allied.report import build_report, collect
from allied.report.build import Results

#: small sweep so the fixture stays fast; the default report uses more samples
TEST_SAMPLES = 8


@pytest.fixture(scope="session")
def korea() -> allied.Scenario:
    return allied.load("korea-2019")


@pytest.fixture(scope="session")
def korea_results(korea: allied.Scenario, tmp_path_factory: pytest.TempPathFactory) -> Results:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIED_HOME", str(tmp_path_factory.mktemp("report_home")))
        return collect(korea, samples=TEST_SAMPLES)


@pytest.fixture(scope="session")
def korea_html(korea: allied.Scenario, korea_results: Results) -> str:
    return build_report(korea, results=korea_results)


@pytest.fixture(scope="session")
def korea_file(korea_html: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "korea-2019.html"
    path.write_text(korea_html, encoding="utf-8")
    return path
