"""Adding listings on the web: confirm loads what was previewed, the stash is private and
bounded, hostile forms get 4xx, the token is never sent back and cannot be guessed at speed."""

from __future__ import annotations

import io
import os
import stat
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from screengraph.loaders.pipeline import Loader
from screengraph.loaders.sources import SourceText
from screengraph.webapp.ingest_stash import OLD_SHARED_STASH, remove_old_shared_stash
from screengraph.webapp.views_ingest import MAX_FILE_NAME_CHARS, ingest_stash, token_throttle
from tests.webapp.conftest import INGEST_TOKEN, csrf_from, make_app

ALPHA = '{"title": "Alpha Ingest Show", "year": 2021, "cast": ["Ada Alpha"]}'
BETA = '{"title": "Beta Ingest Show", "year": 2022, "cast": ["Bo Beta"]}'
GAMMA = '{"title": "Gamma Ingest Show", "year": 2023, "cast": ["Gil Gamma"]}'


class Visitor:
    """One browser session: its cookies, its CSRF token, and every body it was sent."""

    def __init__(self, app, address: str = "127.0.0.1"):
        self.client = app.test_client()
        self.address = address
        self.bodies: list[str] = []
        self.responses = []
        self.csrf = csrf_from(self.get("/ingest").get_data(as_text=True))

    def _seen(self, response):
        self.bodies.append(response.get_data(as_text=True))
        self.responses.append(response)
        return response

    def get(self, path: str):
        return self._seen(self.client.get(path, environ_base={"REMOTE_ADDR": self.address}))

    def post(self, path: str = "/ingest.json", **fields):
        data = {"csrf_token": self.csrf, **fields}
        return self._seen(
            self.client.post(
                path,
                data=data,
                content_type="multipart/form-data",
                environ_base={"REMOTE_ADDR": self.address},
            )
        )

    def preview(self, text: str = "", path: str = "/ingest.json", **fields):
        return self.post(path, token=INGEST_TOKEN, text=text, action="preview", **fields)

    def preview_id(self, text: str = "", **fields) -> str:
        response = self.preview(text, **fields)
        assert response.status_code == 200, response.get_json()
        return response.get_json()["preview"]["id"]

    def confirm(self, preview_id: str, path: str = "/ingest.json", **fields):
        return self.post(path, preview=preview_id, action="confirm", **fields)


def show_exists(client, key: str) -> bool:
    return client.get(f"/show/{key}.json").status_code == 200


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.fixture
def ingest_app(backend):
    return make_app(backend)


# -- confirm means what was previewed ---------------------------------------------------


def test_confirm_loads_exactly_the_preview_it_names(ingest_app):
    visitor = Visitor(ingest_app)
    alpha_id = visitor.preview_id(ALPHA)
    beta_id = visitor.preview_id(BETA)  # the text edited: a new preview, the old one kept
    assert alpha_id != beta_id
    assert not show_exists(visitor.client, "alpha-ingest-show--2021")

    done = visitor.confirm(alpha_id, text=BETA)  # text sent with a confirmation is ignored
    assert done.status_code == 200
    assert done.get_json()["preview"]["loaded"] == 1
    assert done.get_json()["preview"]["dry_run"] is False
    assert show_exists(visitor.client, "alpha-ingest-show--2021")
    assert not show_exists(visitor.client, "beta-ingest-show--2022")

    again = visitor.confirm(alpha_id)
    assert again.status_code == 404 and error_code(again) == "preview_unknown"


def test_text_without_a_preview_is_not_loaded_by_confirm(ingest_app):
    visitor = Visitor(ingest_app)
    response = visitor.post(token=INGEST_TOKEN, text=GAMMA, action="confirm")
    assert response.status_code == 400 and error_code(response) == "bad_preview_id"
    assert not show_exists(visitor.client, "gamma-ingest-show--2023")


def test_uploads_are_confirmed_from_the_stash_not_sent_again(ingest_app):
    visitor = Visitor(ingest_app)
    preview_id = visitor.preview_id(files=[(io.BytesIO(GAMMA.encode()), "gamma.json")])
    assert visitor.responses[-1].get_json()["preview"]["sources"] == ["gamma.json"]
    done = visitor.confirm(preview_id)
    assert done.status_code == 200 and done.get_json()["preview"]["loaded"] == 1
    assert show_exists(visitor.client, "gamma-ingest-show--2023")


def test_a_change_to_what_the_preview_promised_refuses_the_confirmation(ingest_app):
    visitor, other = Visitor(ingest_app), Visitor(ingest_app, "127.0.0.2")
    preview_id = visitor.preview_id(ALPHA)
    assert other.confirm(other.preview_id(ALPHA)).status_code == 200  # loaded meanwhile
    refused = visitor.confirm(preview_id)
    assert refused.status_code == 409 and error_code(refused) == "preview_outdated"
    assert "Alpha Ingest Show" in refused.get_json()["error"]["message"]
    assert "would create" in refused.get_json()["error"]["message"]


def test_two_confirmations_of_the_same_listing_at_once_load_it_once(ingest_app):
    visitors = [Visitor(ingest_app, f"127.0.0.{i}") for i in (1, 2)]
    ids = [visitor.preview_id(ALPHA) for visitor in visitors]
    start = threading.Barrier(2)

    def confirm(index: int) -> int:
        start.wait()
        return visitors[index].confirm(ids[index]).status_code

    with ThreadPoolExecutor(2) as pool:
        answers = sorted(pool.map(confirm, (0, 1)))
    assert answers == [200, 409]


def test_an_unrelated_write_does_not_invalidate_a_preview(ingest_app, backend):
    visitor = Visitor(ingest_app)
    preview_id = visitor.preview_id(ALPHA)
    Loader(backend).load([SourceText("elsewhere.json", GAMMA)])
    done = visitor.confirm(preview_id)
    assert done.status_code == 200 and done.get_json()["preview"]["loaded"] == 1


def test_a_preview_of_another_session_is_refused_and_kept(ingest_app):
    owner, stranger = Visitor(ingest_app), Visitor(ingest_app)
    preview_id = owner.preview_id(ALPHA)
    refused = stranger.confirm(preview_id)
    assert refused.status_code == 403 and error_code(refused) == "preview_foreign"
    assert not show_exists(owner.client, "alpha-ingest-show--2021")
    assert owner.confirm(preview_id).status_code == 200


def test_an_expired_preview_is_refused(ingest_app):
    visitor = Visitor(ingest_app)
    preview_id = visitor.preview_id(ALPHA)
    stash = ingest_stash_of(ingest_app)
    start = stash.clock()
    stash.clock = lambda: start + stash.ttl_s
    refused = visitor.confirm(preview_id)
    assert refused.status_code == 410 and error_code(refused) == "preview_expired"
    assert not show_exists(visitor.client, "alpha-ingest-show--2021")


def test_the_confirm_form_names_the_preview_and_never_the_token(embedded):
    visitor = Visitor(make_app(embedded))
    html = visitor.preview(ALPHA, path="/ingest").get_data(as_text=True)
    preview_id = visitor.preview_id(ALPHA)
    assert 'name="preview" value="' in html and "Confirm and load" in html
    loaded = visitor.confirm(preview_id, path="/ingest")
    assert loaded.status_code == 200 and "Loaded" in loaded.get_data(as_text=True)


# -- the stash ------------------------------------------------------------------------


def ingest_stash_of(app):
    with app.test_request_context():
        return ingest_stash()


def test_the_stash_is_private_and_cleaned_after_its_time(embedded):
    app = make_app(embedded)
    visitor = Visitor(app)
    visitor.preview_id(ALPHA, files=[(io.BytesIO(GAMMA.encode()), "gamma.json")])
    stash = ingest_stash_of(app)
    assert stash.root.name != "screengraph-ingest"
    assert stat.S_IMODE(stash.root.stat().st_mode) == 0o700
    [folder] = list(stash.root.iterdir())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    files = list(folder.iterdir())
    assert len(files) == 3  # the pasted text, the upload, the manifest
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in files)

    start = stash.clock()
    stash.clock = lambda: start + stash.ttl_s - 1
    visitor.get("/ingest")
    assert folder.exists()
    stash.clock = lambda: start + stash.ttl_s
    visitor.get("/ingest")
    assert not folder.exists() and stash.used_bytes() == 0


def test_the_stash_is_bounded_and_says_when_to_retry(embedded):
    app = make_app(embedded, ingest_stash_max_mb=1)
    visitor = Visitor(app)
    padded = ALPHA + " " * 600_000  # whitespace keeps it one valid JSON listing
    visitor.preview_id(files=[(io.BytesIO(padded.encode()), "alpha.json")])
    full = visitor.preview(files=[(io.BytesIO(padded.encode()), "alpha-again.json")])
    assert full.status_code == 503 and error_code(full) == "stash_full"
    assert "SCREENGRAPH_INGEST_STASH_MAX_MB" in full.get_json()["error"]["message"]
    stash = ingest_stash_of(app)
    assert stash.ttl_s <= int(full.headers["Retry-After"]) <= stash.ttl_s + 1
    assert stash.used_bytes() <= 1_000_000

    huge = visitor.preview(files=[(io.BytesIO((ALPHA + " " * 1_100_000).encode()), "big.json")])
    assert huge.status_code == 413 and error_code(huge) == "preview_too_large"

    start = stash.clock()
    stash.clock = lambda: start + stash.ttl_s
    later = visitor.preview(files=[(io.BytesIO(padded.encode()), "alpha-later.json")])
    assert later.status_code == 200


def old_shared_stash(temp_root) -> object:
    """What versions before the private stash left in the temporary folder: uploads, readable."""
    folder = temp_root / OLD_SHARED_STASH
    (folder / "3f2a").mkdir(parents=True)
    (folder / "3f2a" / "upload.json").write_text(GAMMA)
    return folder


def test_the_shared_stash_older_versions_left_is_removed(embedded, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = old_shared_stash(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.json").write_text(ALPHA)
    (folder / "planted-link").symlink_to(outside)
    app = make_app(embedded)
    Visitor(app).preview_id(ALPHA)  # the first preview makes the private stash
    assert ingest_stash_of(app).root.parent == tmp_path
    assert not os.path.lexists(folder)
    assert (outside / "keep.json").read_text() == ALPHA  # links inside it are not followed


def test_a_link_by_the_old_stash_name_is_left_alone(tmp_path):
    target = old_shared_stash(tmp_path / "target")
    (tmp_path / OLD_SHARED_STASH).symlink_to(target)
    assert not remove_old_shared_stash(tmp_path)
    assert (tmp_path / OLD_SHARED_STASH).is_symlink() and (target / "3f2a").is_dir()


@pytest.mark.skipif(os.getuid() != 0, reason="giving a folder to another user needs root")
def test_another_users_old_stash_is_left_alone(tmp_path):
    folder = old_shared_stash(tmp_path)
    os.chown(folder, 65534, 65534)
    assert not remove_old_shared_stash(tmp_path)
    assert (folder / "3f2a" / "upload.json").exists()


# -- hostile forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name, says",
    [
        ("a" * 295 + ".json", "300 characters"),
        ("listing\x00.json", "control character"),
        ("escape\x1b[31m.json", "control character"),
    ],
)
def test_hostile_upload_names_are_refused_with_a_message(embedded, file_name, says):
    visitor = Visitor(make_app(embedded))
    response = visitor.preview(files=[(io.BytesIO(ALPHA.encode()), file_name)])
    assert response.status_code == 400 and error_code(response) == "bad_file_name"
    assert says in response.get_json()["error"]["message"]


def test_a_file_name_at_the_limit_is_taken(embedded):
    visitor = Visitor(make_app(embedded))
    name = "a" * (MAX_FILE_NAME_CHARS - 5) + ".json"
    response = visitor.preview(files=[(io.BytesIO(ALPHA.encode()), name)])
    assert response.status_code == 200 and response.get_json()["preview"]["sources"] == [name]


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"preview": "a" * 100, "action": "confirm"}, "bad_preview_id"),
        ({"preview": "../../etc/passwd", "action": "confirm"}, "bad_preview_id"),
        ({"preview": "0" * 32, "action": "confirm"}, "preview_unknown"),
        ({"stash": "x" * 100, "action": "confirm"}, "bad_preview_id"),
        ({"action": "x" * 100}, "bad_action"),
        ({"action": "preview", "format": "json; csv"}, "bad_format"),
        ({"action": "preview", "text": ""}, "nothing_to_load"),
    ],
)
def test_hostile_fields_are_refused_with_a_message(embedded, fields, code):
    visitor = Visitor(make_app(embedded))
    response = visitor.post(token=INGEST_TOKEN, **fields)
    assert 400 <= response.status_code < 500 and error_code(response) == code
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "fields",
    [
        {"preview": "a" * 5000, "action": "confirm"},
        {"stash": "x" * 5000, "action": "confirm"},
        {"action": "x" * 5000},
        {"action": "preview", "format": "json\x00"},
        {"preview": "\x00" * 32, "action": "confirm"},
    ],
)
def test_huge_or_nul_fields_are_a_4xx_with_a_message(embedded, fields):
    # Whichever check refuses them first (the app's input gate or this page's own), it says why.
    visitor = Visitor(make_app(embedded))
    response = visitor.post(token=INGEST_TOKEN, **fields)
    assert 400 <= response.status_code < 500, response.get_data(as_text=True)
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("multipart/form-data", b"no boundary at all"),
        ("multipart/form-data; boundary=xx", b"--xx\r\nnot a header\r\n\r\nvalue\r\n--xx--\r\n"),
        (
            "multipart/form-data; boundary=xx",
            b'--xx\r\nContent-Disposition: form-data; name="token"\r\n\r\nunterminated',
        ),
    ],
)
def test_malformed_multipart_is_a_4xx_with_a_message(embedded, content_type, body):
    visitor = Visitor(make_app(embedded))
    response = visitor.client.post(
        "/ingest.json", data=body, content_type=content_type, headers={"X-CSRF-Token": visitor.csrf}
    )
    assert response.status_code == 400 and error_code(response) == "malformed_form"
    assert "multipart/form-data" in response.get_json()["error"]["message"]


# -- the token ------------------------------------------------------------------------


def test_the_token_is_never_sent_back_and_ingest_pages_are_not_stored(embedded):
    visitor = Visitor(make_app(embedded))
    for path, text in (("/ingest", BETA), ("/ingest.json", GAMMA)):
        visitor.get(path)
        visitor.preview(ALPHA, path=path)
        preview_id = visitor.preview_id(text)
        visitor.confirm(preview_id, path=path)
        visitor.preview("", path=path)  # nothing to load
        visitor.preview(ALPHA, path=path, format="nope")  # bad format
        visitor.post(path, token=INGEST_TOKEN + "x", text=ALPHA, action="preview")
    assert len(visitor.bodies) == 15
    assert all(INGEST_TOKEN not in body for body in visitor.bodies)
    assert all(r.headers["Cache-Control"] == "no-store" for r in visitor.responses)


def test_a_burst_of_wrong_tokens_gets_429_then_the_window_passes(embedded):
    app = make_app(embedded, ingest_token_tries=3)
    guesser, bystander = Visitor(app, "198.51.100.7"), Visitor(app, "198.51.100.8")
    answers = [
        guesser.post(token=f"guess-{i}", text=ALPHA, action="preview").status_code for i in range(3)
    ]
    assert answers == [403, 403, 403]
    throttled = guesser.post(token="guess-3", text=ALPHA, action="preview")
    assert throttled.status_code == 429 and error_code(throttled) == "too_many_tries"
    assert 1 <= int(throttled.headers["Retry-After"]) <= 61
    assert bystander.post(token="guess-4", text=ALPHA, action="preview").status_code == 403

    with app.test_request_context():
        throttle = token_throttle()
    start = throttle.clock()
    throttle.clock = lambda: start + 61
    assert guesser.post(token="guess-5", text=ALPHA, action="preview").status_code == 403


def test_wrong_tokens_from_the_holders_address_never_lock_the_holder_out(embedded):
    # On loopback, or behind a proxy not declared in SCREENGRAPH_PROXY_HOPS, every client
    # has the same address: before, anyone's wrong tokens refused the holder for a minute.
    app = make_app(embedded, ingest_token_tries=3)
    noise, holder = Visitor(app, "127.0.0.1"), Visitor(app, "127.0.0.1")
    answers = [
        noise.post(token=f"guess-{i}", text=ALPHA, action="preview").status_code for i in range(5)
    ]
    assert answers == [403, 403, 403, 429, 429]
    assert holder.preview(ALPHA).status_code == 200
    assert holder.confirm(holder.preview_id(ALPHA)).status_code == 200
    assert noise.post(token="guess-5", text=ALPHA, action="preview").status_code == 429


def test_right_tokens_do_not_count_against_the_limit(embedded):
    visitor = Visitor(make_app(embedded, ingest_token_tries=2))
    for _ in range(4):
        assert visitor.preview(ALPHA).status_code == 200


def test_the_preview_page_counts_each_listings_credits_in_words(ingest_app):
    visitor = Visitor(ingest_app)
    one = '{"title": "One Credit Show", "year": 2020, "directors": ["Ann Lee"]}\n'
    page = visitor.preview(one, path="/ingest").get_data(as_text=True)
    assert "<li>One Credit Show — would create, 1 credit</li>" in page
