"""Laravel's paginated resource collection: `links` and `meta`, page windows included."""

from invoice_api.pagination import Page

PATH = "http://127.0.0.1:3003/api/v1/invoices"


def page(number: int, total: int, per_page: int = 10, query=()) -> Page:
    count = max(0, min(per_page, total - (number - 1) * per_page))
    return Page(number, per_page, total, count, PATH, tuple(query))


def labels(p: Page) -> list[str]:
    return [link["label"] for link in p.meta()["links"]]


def test_a_middle_page_as_laravel_renders_it():
    p = page(2, 35, query=[("paid[eq]", "1"), ("per_page", "10")])
    assert p.links() == {
        "first": f"{PATH}?paid%5Beq%5D=1&per_page=10&page=1",
        "last": f"{PATH}?paid%5Beq%5D=1&per_page=10&page=4",
        "prev": f"{PATH}?paid%5Beq%5D=1&per_page=10&page=1",
        "next": f"{PATH}?paid%5Beq%5D=1&per_page=10&page=3",
    }
    meta = p.meta()
    assert list(meta) == ["current_page", "from", "last_page", "links", "path", "per_page", "to", "total"]
    assert (meta["current_page"], meta["from"], meta["to"], meta["last_page"], meta["total"]) == (2, 11, 20, 4, 35)
    assert meta["path"] == PATH and meta["per_page"] == 10
    assert meta["links"][0] == {"url": p.url(1), "label": "&laquo; Previous", "active": False}
    assert meta["links"][2] == {"url": p.url(2), "label": "2", "active": True}
    assert meta["links"][-1] == {"url": p.url(3), "label": "Next &raquo;", "active": False}
    assert labels(p) == ["&laquo; Previous", "1", "2", "3", "4", "Next &raquo;"]


def test_first_and_last_pages_have_no_prev_or_next():
    first, last = page(1, 35), page(4, 35)
    assert first.links()["prev"] is None and first.meta()["links"][0]["url"] is None
    assert last.links()["next"] is None and last.meta()["links"][-1]["url"] is None
    assert (last.meta()["from"], last.meta()["to"]) == (31, 35)


def test_no_results_is_one_empty_page():
    empty = page(1, 0)
    assert empty.links() == {"first": empty.url(1), "last": empty.url(1), "prev": None, "next": None}
    assert (empty.meta()["from"], empty.meta()["to"], empty.meta()["last_page"]) == (None, None, 1)


def test_a_page_past_the_end_is_empty_and_points_back():
    beyond = page(9, 35)
    assert (beyond.meta()["from"], beyond.meta()["to"]) == (None, None)
    assert beyond.links()["prev"] == beyond.url(8) and beyond.links()["next"] is None


def test_page_windows_follow_laravels_url_window():
    # fewer than 14 pages: all of them
    assert labels(page(1, 130))[1:-1] == [str(n) for n in range(1, 14)]
    # near the start: 1..10, ..., the last two
    assert labels(page(3, 500))[1:-1] == [*map(str, range(1, 11)), "...", "49", "50"]
    # near the end: 1, 2, ..., the last ten
    assert labels(page(48, 500))[1:-1] == ["1", "2", "...", *map(str, range(41, 51))]
    # in the middle: 1, 2, ..., three on each side, ..., the last two
    assert labels(page(25, 500))[1:-1] == ["1", "2", "...", *map(str, range(22, 29)), "...", "49", "50"]
    assert [link["url"] for link in page(25, 500).meta()["links"] if link["label"] == "..."] == [None, None]
