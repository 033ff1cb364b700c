"""`cchc site`: the auditors' site builds without a warning, escapes every string from a rule
file or a record, and shows in a real browser (Debian's Chromium, headless) what an auditor
looks for. Screenshots are left in test-artifacts/."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time
from pathlib import Path

import pytest

from dsl.check import load_ruleset
from engine.publishing.site import link, plain, put_in_place
from engine.structure import structure
from tests.test_cli import cchc

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def built(root, tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "trang"
    r = cchc("site", "rules/2022", "rules/2024", "--facts", "facts/2022", "--out", str(out),
             cwd=root)
    assert r.returncode == 0, r.stderr
    assert "WARNING" not in r.stderr and "Traceback" not in r.stderr
    return out


def test_the_project_and_the_site(built):
    assert (built / "mkdocs.yml").is_file() and (built / "docs" / "index.md").is_file()
    page = (built / "site" / "2022" / "don-vi" / "huyen-muong-te.html").read_text("utf-8")
    assert "65,84" in page
    # each deduction links to its rule's line and its criterion's row in the appendix
    assert 'href="../quy-tac/huyen.html#L-39"' in page
    assert 'href="../tieu-chi.html#tc-1-2"' in page
    appendix = (built / "site" / "2022" / "phu-luc-huyen.html").read_text("utf-8")
    assert 'id="tc-1-2"' in appendix
    criteria = (built / "site" / "2022" / "tieu-chi.html").read_text("utf-8")
    assert 'id="tc-1-2"' in criteria
    rules = (built / "site" / "2022" / "quy-tac" / "huyen.html").read_text("utf-8")
    assert 'id="L-39"' in rules
    assert (built / "site" / "so-sanh-2022-2024.html").is_file()
    assert (built / "site" / "tai-lieu" / "rule-language.html").is_file()
    assert (built / "site" / "search" / "search_index.json").is_file()


def test_strings_from_rules_and_records_are_escaped(root, tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(root / "rules" / "2022", rules)
    f = rules / "huyen.cchc"
    f.write_text(f.read_text("utf-8").replace(
        '"Thực hiện chế độ báo cáo cải cách hành chính"',
        '"<script>alert(1)</script> báo cáo"', 1), "utf-8")
    facts = tmp_path / "facts"
    facts.mkdir()
    record = (root / "facts" / "2022" / "huyen-muong-te.yaml").read_text("utf-8")
    assert "name: UBND huyện Mường Tè" in record
    (facts / "muong-te.yaml").write_text(record.replace(
        "name: UBND huyện Mường Tè", 'name: "<script>alert(2)</script> Mường Tè"'), "utf-8")
    out = tmp_path / "out"
    r = cchc("site", str(rules), "--facts", str(facts), "--out", str(out), cwd=root)
    assert r.returncode == 0, r.stderr
    for page in (out / "site").rglob("*.html"):
        text = page.read_text("utf-8")
        assert "<script>alert" not in text, page
    unit = (out / "site" / "rules" / "don-vi" / "huyen-muong-te.html").read_text("utf-8")
    assert "&lt;script&gt;alert(2)&lt;/script&gt; Mường Tè" in unit
    assert "&lt;script&gt;alert(1)&lt;/script&gt; báo cáo" in unit


def test_an_existing_folder_that_is_not_a_site_is_kept(root, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    r = cchc("site", "rules/2024", "--out", str(out), cwd=root)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert (out / "notes.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]  # no temporary folder left


def test_records_of_a_year_no_rule_set_scores(root, tmp_path):
    r = cchc("site", "rules/2024", "--facts", "facts/2022", "--out", str(tmp_path / "s"),
             cwd=root)
    assert r.returncode == 1 and "2022" in r.stderr and "Traceback" not in r.stderr


def test_helpers(tmp_path):
    assert plain("Kế hoạch tuyên truyền, Đề án") == "Ke hoach tuyen truyen, De an"
    assert link("2022/don-vi/a.md", "2022/quy-tac/huyen.md", "L-3") == "../quy-tac/huyen.html#L-3"
    built = tmp_path / "b"
    built.mkdir()
    put_in_place(built, tmp_path / "new")
    assert (tmp_path / "new").is_dir() and not built.exists()


# ---- in a browser -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser(built):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not (chromium and driver_path):
        pytest.skip("Chromium or ChromeDriver is not installed and could not be: run "
                    "'sh tests/setup-browser.sh' as root (Debian: apt-get install chromium "
                    "chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    handler = functools.partial(_Quiet, directory=str(built / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    opts = webdriver.ChromeOptions()
    opts.binary_location = chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1400", "--lang=vi"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=opts)
    driver.set_page_load_timeout(60)
    ARTIFACTS.mkdir(exist_ok=True)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield driver, base
    finally:
        driver.quit()
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _text(driver) -> str:
    from selenium.webdriver.common.by import By
    return driver.find_element(By.TAG_NAME, "body").text


def test_muong_te_scorecard_in_a_browser(browser):
    driver, base = browser
    driver.get(f"{base}/2022/don-vi/huyen-muong-te.html")
    text = _text(driver)
    driver.save_screenshot(str(ARTIFACTS / "muong-te.png"))
    assert "65,84" in text  # seed 003: 65,84 points, index 65,84%
    # the reason for criterion 1.2 (reports sent late: seed 003, mục 2.1.1)
    assert "1.2 Thực hiện chế độ báo cáo cải cách hành chính" in text
    assert ("Báo cáo công tác kiểm soát thủ tục hành chính quý II năm 2022 gửi ngày 24/06/2022, "
            "chậm so với hạn 19/06/2022") in text


def test_an_appendix_lists_every_criterion_of_its_kind(browser, root):
    from selenium.webdriver.common.by import By

    driver, base = browser
    driver.get(f"{base}/2024/phu-luc-huyen.html")
    driver.save_screenshot(str(ARTIFACTS / "phu-luc-huyen-2024.png"))
    shown = [r.get_attribute("id") for r in driver.find_elements(By.CSS_SELECTOR,
                                                                 "tr.d1, tr.d2")]
    doc = structure(load_ruleset(str(root / "rules" / "2024")), "huyen")
    ids = []

    def walk(n):
        ids.append("tc-" + n["id"].replace(".", "-"))
        for c in n["subcriteria"]:
            walk(c)
    for a in doc["areas"]:
        for c in a["items"]:
            walk(c)
    assert shown == ids
    assert len(ids) == 52 + 42  # seed 004, mục II.1: Phụ lục 06 has 52 criteria, 42 sub-criteria


def test_search_without_diacritics_finds_a_criterion(browser):
    from selenium.webdriver.common.by import By

    driver, base = browser
    driver.get(f"{base}/index.html")
    driver.execute_script("const t = document.getElementById('__search'); t.checked = true;"
                          "t.dispatchEvent(new Event('change'))")
    box = driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.send_keys("tuyen truyen")
    found: list[tuple[str, str]] = []
    for _ in range(40):  # the search index loads in a web worker
        found = [(x.get_attribute("href"), x.text) for x in driver.find_elements(
            By.CSS_SELECTOR, "a.md-search-result__link")]
        if found:
            break
        time.sleep(0.25)
    driver.save_screenshot(str(ARTIFACTS / "tim-kiem-tuyen-truyen.png"))
    assert found, "no search result for 'tuyen truyen'"
    # the criterion's own section, its title written with its diacritics (rules/2022 and
    # rules/2024: criterion 1.4)
    hits = [href for href, _text in found if "/tieu-chi.html" in href
            and href.endswith("#tc-1-4")]
    assert hits, found[:5]
    driver.get(hits[0])
    heading = driver.find_element(By.ID, "tc-1-4").text
    assert heading.startswith("1.4 Công tác tuyên truyền cải cách hành chính"), heading
