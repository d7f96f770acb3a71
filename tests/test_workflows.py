"""The GitHub Actions workflows do what CONTRIBUTING.md promises, with every action pinned by SHA.

GitHub cannot be reached from here, so this checks the workflow files themselves: that each
``uses:`` names a full 40-hex commit (tags can be moved), that the PR workflow validates,
tests, builds strictly and uploads the preview, and that Pages deploys only ``main``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parents[1] / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(name: str) -> dict[str, Any]:
    # PyYAML reads the key "on" as True (YAML 1.1); normalise it back.
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return workflow["jobs"][job]["steps"]


@pytest.mark.parametrize("name", ["pr.yml", "pages.yml", "links.yml"])
def test_every_action_is_pinned_by_commit_sha_with_its_version(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)(.*)", text)
    assert uses
    for ref, comment in uses:
        assert PINNED.match(ref), ref
        assert re.match(r"\s+# v\d+\.\d+\.\d+$", comment), f"{ref}: add the release as a comment (# vX.Y.Z)"


def test_pr_workflow_validates_tests_builds_strictly_and_uploads_preview() -> None:
    pr = load("pr.yml")
    assert set(pr["on"]) == {"pull_request", "workflow_dispatch"}, "never pull_request_target: fork code must not get secrets"
    assert pr["permissions"] == {"contents": "read"}
    validate = [s.get("run", "") for s in steps(pr, "validate")]
    assert "python -m generator check --strict" in validate
    assert "python -m generator schema-docs --check" in validate
    assert any(r.startswith("bash scripts/test.sh") for r in (s.get("run", "") for s in steps(pr, "test")))
    build = steps(pr, "build")
    assert any(s.get("run", "").startswith("bash scripts/build.sh --strict") for s in build)
    upload = [s for s in build if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(upload) == 1 and upload[0]["with"]["name"] == "handbook-preview" and upload[0]["with"]["path"] == "site/"
    assert pr["jobs"]["test"]["needs"] == pr["jobs"]["build"]["needs"] == "validate"


def test_pages_workflow_deploys_main_only() -> None:
    pages = load("pages.yml")
    assert pages["on"]["push"] == {"branches": ["main"]}
    assert "pull_request" not in pages["on"]
    assert any(s.get("run", "").startswith("bash scripts/build.sh --strict") for s in steps(pages, "build"))
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in steps(pages, "build"))
    deploy = pages["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_links_workflow_runs_the_link_check_on_a_schedule_read_only() -> None:
    links = load("links.yml")
    assert set(links["on"]) == {"schedule", "workflow_dispatch"} and links["on"]["schedule"][0]["cron"]
    assert links["permissions"] == {"contents": "read"}
    assert "python -m generator links --strict" in [s.get("run", "") for s in steps(links, "links")]
