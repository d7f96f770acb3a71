"""「誤りを報告」 (overrides/partials/copyright.html): every page offers an e-mail with its title and URL filled in, and
second a GitHub issue form; .github/ISSUE_TEMPLATE has the Japanese forms it and CONTRIBUTING point to."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.conftest import ROOT

SITE_URL = "https://jichitai-dx-handbook.github.io/handbook/"
TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"


def report_links(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'<a class="hb-report-link[^"]*" href="([^"]+)"', html)]


def test_every_page_has_a_mail_and_a_github_report_link_with_its_url(site_dir: Path) -> None:
    pages = [p for p in site_dir.rglob("*.html") if p.name != "404.html" and "assets" not in p.parts]
    assert len(pages) > 30
    for page in pages:
        rel = page.relative_to(site_dir).as_posix()
        html = page.read_text(encoding="utf-8")
        links = report_links(html)
        assert len(links) == 2, rel
        mail, github = urlsplit(links[0]), urlsplit(links[1])
        assert mail.scheme == "mailto" and mail.path == "handbook-report@example.org", rel
        query = parse_qs(mail.query)
        title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1)).split(" - ")[0]  # type: ignore[union-attr]
        assert query["subject"] == [f"【誤りの報告】{title}"], rel
        assert f"URL: {SITE_URL}{rel}\r\n" in query["body"][0], rel
        assert f"ページ: {title}\r\n" in query["body"][0], rel
        assert github.netloc == "github.com" and github.path == "/jichitai-dx-handbook/handbook/issues/new"
        form = parse_qs(github.query)
        assert form["template"] == ["error-report.yml"] and form["page-url"] == [f"{SITE_URL}{rel}"], rel
    bandai = (site_dir / "municipalities" / "bandai.html").read_text(encoding="utf-8")
    assert ">誤りを報告(メール)</a>" in bandai and ">GitHub で報告</a>" in bandai


def test_issue_forms_are_japanese_and_the_report_form_takes_the_page_url() -> None:
    forms = {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in TEMPLATES.glob("*.yml") if p.name != "config.yml"}
    assert {f["name"] for f in forms.values()} == {"誤りの報告", "事例の提案", "削除の依頼"}
    for name, form in forms.items():
        assert form["description"] and form["body"], name
        ids = [item["id"] for item in form["body"] if "id" in item]
        assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids), name
        labels = [item["attributes"]["label"] for item in form["body"] if item["type"] != "markdown"]
        assert all(re.search("[\u3040-\u30ff\u4e00-\u9fff]", label) for label in labels), name
    report = forms["error-report.yml"]
    assert any(item.get("id") == "page-url" and item["type"] == "input" for item in report["body"])
