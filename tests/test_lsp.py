"""Editor support: the language server driven over stdio as an editor drives it (JSON-RPC with
Content-Length headers, written here by hand), and the TextMate grammar of editors/vscode."""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
VSCODE = ROOT / "editors" / "vscode"
TIMEOUT = 30  # seconds for any one answer; the server answers in well under one

RIGHT, WRONG = "ke_hoach_cchc_kip_thoi", "ke_hoach_cchc_kip_thoj"


class Client:
    """A minimal LSP client: a reader thread splits the server's output into messages."""

    def __init__(self) -> None:
        env = {**os.environ, "CCHC_LANG": "vi"}
        self.log = tempfile.TemporaryFile()  # the server's log: a pipe nobody reads could fill
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from dsl.lsp import serve; serve()"], cwd=ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log)
        self.messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                key, _sep, value = line.decode("ascii").partition(":")
                headers[key.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self.send({"method": method, "params": params})

    def wait(self, match, timeout: float = TIMEOUT) -> dict[str, Any]:
        """The first message (seen before or arriving before the deadline) that matches."""
        for i, m in enumerate(self.seen):
            if match(m):
                return self.seen.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no answer in {timeout} s; got {self.seen!r}")
            try:
                m = self.messages.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None:
                    code = self.proc.returncode
                    raise AssertionError(f"the server ended ({code}): {self.stderr()}")
                continue
            if match(m):
                return m
            self.seen.append(m)

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self.next_id += 1
        n = self.next_id
        self.send({"id": n, "method": method, "params": params})
        answer = self.wait(lambda m: m.get("id") == n and "method" not in m)
        assert "error" not in answer, answer
        return answer["result"]

    def diagnostics(self, uri: str, version: int) -> list[dict[str, Any]]:
        return self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and m["params"]["uri"] == uri
                         and m["params"].get("version") == version)["params"]["diagnostics"]

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.request("shutdown", {})
                self.notify("exit", {})
                self.proc.wait(timeout=10)
        except Exception:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait(timeout=10)
            for stream in (self.proc.stdin, self.proc.stdout, self.log):
                if stream is not None:
                    stream.close()


def position(text: str, needle: str, after: str = "") -> dict[str, int]:
    """The 0-based line and character (UTF-16 units, as LSP counts by default) of ``needle``,
    the first after ``after``."""
    index = text.index(needle, text.index(after) if after else 0)
    line_start = text.rfind("\n", 0, index) + 1
    return {"line": text.count("\n", 0, index),
            "character": len(text[line_start:index].encode("utf-16-le")) // 2}


@pytest.fixture
def server():
    client = Client()
    try:
        yield client
    finally:
        client.close()


def start(client: Client, folder: Path) -> None:
    result = client.request("initialize", {
        "processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": {},
        "workspaceFolders": [{"uri": folder.as_uri(), "name": folder.name}]})
    caps = result["capabilities"]
    assert caps["hoverProvider"] and caps["definitionProvider"] and caps["completionProvider"]
    client.notify("initialized", {})


def test_the_language_server_checks_explains_and_completes_unsaved_text(server, tmp_path):
    began = time.monotonic()
    folder = tmp_path / "2022"
    shutil.copytree(ROOT / "rules" / "2022", folder)
    start(server, folder)

    # the file on disk is right; the text in the editor reads a misspelt fact
    path = folder / "huyen.cchc"
    uri = path.as_uri()
    saved = path.read_text("utf-8")
    assert saved.count(f"full if {RIGHT} else 0") == 1
    text = saved.replace(f"full if {RIGHT} else 0", f"full if {WRONG} else 0")
    server.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "cchc", "version": 1, "text": text}})
    diags = server.diagnostics(uri, 1)
    assert len(diags) == 1, diags
    where = position(text, WRONG)
    assert diags[0]["range"]["start"] == where
    assert diags[0]["range"]["end"] == {**where, "character": where["character"] + len(WRONG)}
    assert WRONG in diags[0]["message"] and RIGHT in diags[0]["message"]  # did you mean …?
    assert "không tìm thấy" in diags[0]["message"]  # Vietnamese
    assert diags[0]["severity"] == 1 and diags[0]["source"] == "cchc"

    # hover on a fact name: its Vietnamese label, type and range
    facts = (folder / "facts-common.cchc").read_text("utf-8")
    name = "nv_ke_hoach_cchc_hoan_thanh"
    label = re.search(rf"^\s*{name}: count \"([^\"]+)\"", facts, re.M).group(1)
    at = position(text, name, after="levels by ")
    hover = server.request("textDocument/hover", {
        "textDocument": {"uri": uri}, "position": {**at, "character": at["character"] + 3}})
    assert label in hover["contents"]["value"] and "count" in hover["contents"]["value"]
    assert hover["range"]["start"] == at

    # hover on a criterion's header: its title, maximum and guidance
    header = position(text, 'criterion 1.1.2 "')
    hover = server.request("textDocument/hover", {
        "textDocument": {"uri": uri}, "position": {**header, "character": 12}})
    value = hover["contents"]["value"]
    assert "1.1.2" in value and "Mức độ thực hiện Kế hoạch CCHC năm" in value
    assert "Điểm tối đa: 2" in value and "Hoàn thành 100% kế hoạch: 2 điểm" in value

    # nothing over a comment or a reason's words
    comment = position(text, "# Mẫu số bằng 0")
    assert server.request("textDocument/hover", {
        "textDocument": {"uri": uri}, "position": comment}) is None

    # go to the declaration, in another file of the folder
    found = server.request("textDocument/definition", {
        "textDocument": {"uri": uri}, "position": at})
    location = found[0] if isinstance(found, list) else found
    assert location["uri"] == (folder / "facts-common.cchc").as_uri()
    declared = position(facts, f"  {name}:")
    assert location["range"]["start"] == {"line": declared["line"], "character": 2}

    # completion: every fact, labelled
    items = server.request("textDocument/completion", {
        "textDocument": {"uri": uri}, "position": at})
    items = items["items"] if isinstance(items, dict) else items
    by_name = {i["label"]: i for i in items}
    assert {name, RIGHT, "nv_ke_hoach_cchc", "bao_cao_cchc"} <= set(by_name)
    assert by_name[name]["detail"] == label

    # the mistake put right in the editor: no diagnostic left
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": saved}]})
    assert server.diagnostics(uri, 2) == []

    # a syntax error: located, and hover and completion still work from the last good parse
    broken = saved.replace("max 2.5 {", "max 2,5 {", 1)
    server.notify("textDocument/didChange", {
        "textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": broken}]})
    diags = server.diagnostics(uri, 3)
    comma = position(broken, "max 2,5 {")
    assert len(diags) == 1 and diags[0]["range"]["start"] == {
        "line": comma["line"], "character": comma["character"] + len("max 2")}
    hover = server.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": at})
    assert label in hover["contents"]["value"]
    assert time.monotonic() - began < 60
    assert "Traceback" not in server.stderr()  # no handler failed


def test_diagnostics_follow_the_facts_another_open_file_declares(server, tmp_path):
    """Renaming a fact in one open file reports its readers in another open file."""
    folder = tmp_path / "2022"
    shutil.copytree(ROOT / "rules" / "2022", folder)
    start(server, folder)
    rules, facts = folder / "huyen.cchc", folder / "facts-common.cchc"
    for n, p in enumerate((rules, facts), 1):
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": p.as_uri(), "languageId": "cchc", "version": n, "text": p.read_text("utf-8")}})
    assert server.diagnostics(rules.as_uri(), 1) == []
    renamed = facts.read_text("utf-8").replace(f"  {RIGHT}:", f"  {WRONG}:")
    server.notify("textDocument/didChange", {"textDocument": {"uri": facts.as_uri(), "version": 3},
                                             "contentChanges": [{"text": renamed}]})
    diags = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                        and m["params"]["uri"] == rules.as_uri() and m["params"]["diagnostics"])
    text = rules.read_text("utf-8")
    reader = position(text, RIGHT, after=f"full if {RIGHT}")
    assert [d["range"]["start"] for d in diags["params"]["diagnostics"]] == [reader]
    assert (folder / "facts-common.cchc").read_text("utf-8").count(f"  {RIGHT}:") == 1  # unsaved
    assert "Traceback" not in server.stderr()


def test_columns_count_the_text_as_the_editor_has_it():
    """Decomposed Vietnamese (NFD) is parsed as NFC; positions go back to the editor's text."""
    from dsl.lsp import from_client, to_client

    def utf16(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2

    typed = unicodedata.normalize("NFD", 'guidance "Nghị định" x')
    parsed = unicodedata.normalize("NFC", typed)
    column = parsed.index(" x")
    assert typed[to_client(typed, column, utf16):] == " x"
    assert to_client("\ufeffarea", 0, utf16, first=True) == 1  # the byte-order mark
    assert to_client('"🙂" x', 4, utf16) == 5  # a character outside the BMP: two UTF-16 units
    assert from_client('"🙂" x', 5, utf16) == 4


def test_a_failing_handler_logs_and_answers_nothing(caplog):
    import asyncio

    from dsl.lsp import _guarded

    def hover(params):
        raise ValueError("boom")

    async def did_change(params):
        raise ValueError("boom")

    assert _guarded(hover)(None) is None
    assert asyncio.run(_guarded(did_change)(None)) is None
    assert [r.levelname for r in caplog.records] == ["ERROR", "ERROR"]
    assert "hover failed" in caplog.text and "ValueError: boom" in caplog.text


def test_names_are_found_in_code_and_holes_only():
    from dsl.lsp import context_at, word_at

    line = 'deduct 1 if nv_a > 0 because "nv_a: {nv_b} {r.ten}" # nv_c'
    assert word_at(line, line.index("nv_a") + 2) == ("nv_a", 12, 16)
    assert word_at(line, line.index("nv_a:")) is None  # the words of a reason
    hole = line.index("nv_b")
    assert word_at(line, hole) == ("nv_b", hole, hole + 4)  # a hole
    assert word_at(line, line.index("ten")) is None  # a record's field
    assert word_at(line, line.index("nv_c")) is None and context_at(line, len(line)) == "comment"
    escaped = '"a \\" # b" # c'  # an escaped quote does not end the text
    assert context_at(escaped, escaped.index("# b")) == "string"
    assert context_at(escaped, escaped.index("# c") + 1) == "comment"


# ---- the TextMate grammar ------------------------------------------------------------------------
def grammar_keywords() -> set[str]:
    """Every word the grammar writes in quotes: the language's keywords."""
    text = (ROOT / "dsl" / "grammar.lark").read_text("utf-8")
    text = re.sub(r"//[^\n]*", "", text)
    return set(re.findall(r'"([a-z]+)"', text))


def test_the_textmate_grammar_knows_every_keyword():
    grammar = json.loads((VSCODE / "syntaxes" / "cchc.tmLanguage.json").read_text("utf-8"))
    assert grammar["scopeName"] == "source.cchc"
    patterns = [p["match"] for p in grammar["repository"]["keywords"]["patterns"]]
    words = grammar_keywords()
    assert len(words) > 70 and {"criterion", "deduct", "proportional", "yes"} <= words
    missing = sorted(w for w in words if not any(
        (m := re.search(p, w)) and m.group(0) == w for p in patterns))
    assert not missing, f"keywords missing from the TextMate grammar: {missing}"
    assert not any(re.search(p, "ke_hoach_cchc") for p in patterns)  # names stay names


def test_the_vscode_extension_declares_the_language():
    manifest = json.loads((VSCODE / "package.json").read_text("utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "cchc" and language["extensions"] == [".cchc"]
    (grammar,) = manifest["contributes"]["grammars"]
    assert grammar["scopeName"] == "source.cchc" and (VSCODE / grammar["path"]).is_file()
    config = json.loads((VSCODE / language["configuration"]).read_text("utf-8"))
    assert config["comments"]["lineComment"] == "#"
    assert ["{", "}"] in config["brackets"]
