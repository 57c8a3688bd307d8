"""Where filestore's routes read their parameters: the original's clients send them anywhere, the routes read
them in one place (GET and DELETE: the query string; POST: a JSON body), so they are moved there first."""

from __future__ import annotations

import json

from filestore.api import parameters_where_read
from tests.events import body_text, load_event, with_body


def test_a_get_reads_a_json_bodys_fields_from_the_query_string_the_body_winning():
    event = with_body(
        load_event("filestore", "files_list"), json.dumps({"folder": "other", "extra": 3}), "application/json"
    )
    moved = parameters_where_read(event)
    assert moved["queryStringParameters"] == {
        "user_token": "REPLACE_USER_TOKEN",
        "disk": "main",
        "folder": "other",
        "extra": "3",  # query values are text: other JSON values arrive as their JSON text
    }


def test_a_json_null_is_no_parameter_at_all():
    event = with_body(load_event("filestore", "files_list"), json.dumps({"folder": None}), "application/json")
    assert "folder" not in parameters_where_read(event)["queryStringParameters"]


def test_a_delete_reads_a_forms_fields_from_the_query_string():
    event = load_event("filestore", "delete")
    event["queryStringParameters"] = {"user_token": "t"}
    with_body(event, "disk=main&folder=docs&file_name=a.txt", "application/x-www-form-urlencoded")
    moved = parameters_where_read(event)["queryStringParameters"]
    assert moved == {"user_token": "t", "disk": "main", "folder": "docs", "file_name": "a.txt"}


def test_a_post_reads_the_query_and_a_form_as_one_json_body_the_body_winning():
    event = load_event("filestore", "user_sign")
    event["queryStringParameters"] = {"username": "from-query", "password": "secret1"}
    with_body(event, "username=jdupont&lastname=Dupont&firstname=Jean", "application/x-www-form-urlencoded")
    moved = parameters_where_read(event)
    assert moved["headers"]["content-type"] == "application/json" and not moved["isBase64Encoded"]
    assert json.loads(body_text(moved)) == {
        "username": "jdupont",
        "password": "secret1",
        "lastname": "Dupont",
        "firstname": "Jean",
    }


def test_a_json_post_without_a_query_is_left_as_it_is_read_once():
    event = load_event("filestore", "upload_request")
    assert parameters_where_read(event) is event


def test_an_unreadable_post_body_is_left_for_the_route_to_refuse():
    event = with_body(load_event("filestore", "upload_request"), b'{"disk": ', "application/json")
    event["queryStringParameters"] = {"user_token": "t"}
    assert parameters_where_read(event) is event


def test_an_uploads_body_is_its_file_never_parameters():
    event = load_event("filestore", "upload")
    event["rawPath"] = "/api/files/upload/abc"
    with_body(event, json.dumps({"user_token": "planted"}), "application/json")
    assert parameters_where_read(event) is event
