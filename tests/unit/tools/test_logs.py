"""make run's output: access lines and function logs, pretty for a person or JSON for tools."""

from __future__ import annotations

import io
import json

from tools.local.logs import LogSink

POWERTOOLS = json.dumps(
    {
        "level": "WARNING",
        "location": "request_otp:42",
        "message": "OTP refused",
        "timestamp": "2026-11-30 12:03:04,123+0000",
        "service": "bank2xls",
        "cold_start": True,
        "function_request_id": "abc",
        "reason": "rate",
    }
)


def sink(json_mode: bool = False) -> tuple[LogSink, io.StringIO]:
    stream = io.StringIO()
    return LogSink(stream, json_mode=json_mode, colour=False), stream


def test_pretty_function_line_shows_time_level_function_message_and_extra_keys_only():
    log, out = sink()
    log.function_line("Bank2xlsOtpRequestFunction", POWERTOOLS)
    assert out.getvalue() == "12:03:04 WARNING Bank2xlsOtpRequestFunction OTP refused  reason=rate\n"


def test_pretty_keeps_a_traceback_readable_under_its_line():
    log, out = sink()
    record = {"level": "ERROR", "message": "boom", "exception": 'Traceback:\n  File "x.py"\nValueError: x'}
    log.function_line("Fn", json.dumps(record))
    lines = out.getvalue().splitlines()
    assert lines[0].endswith("ERROR   Fn boom")
    assert lines[1:] == ["    Traceback:", '      File "x.py"', "    ValueError: x"]


def test_plain_output_of_a_function_is_prefixed_with_its_name():
    log, out = sink()
    log.function_line("Fn", "print from a handler")
    assert out.getvalue().rstrip().endswith("Fn print from a handler")


def test_access_line_has_method_path_status_time_function_and_start():
    log, out = sink()
    log.access("lnupload", "GET", "/getInvoice", 200, 23.4, "LnuploadGetInvoiceFunction", True)
    assert out.getvalue().split(" ", 1)[1] == "lnupload    GET /getInvoice 200 23ms LnuploadGetInvoiceFunction cold\n"


def test_json_mode_passes_function_lines_through_and_wraps_everything_else():
    log, out = sink(json_mode=True)
    log.function_line("Fn", POWERTOOLS)
    log.function_line("Fn", "plain")
    log.access("cinq", "POST", "/api/waitlist", 201, 5.0, "CinqWaitlistFunction", False)
    first, second, third = out.getvalue().splitlines()
    assert first == POWERTOOLS
    assert json.loads(second) == {"function": "Fn", "message": "plain"}
    access = json.loads(third)
    assert access["type"] == "access" and access["status"] == 201 and access["cold"] is False
    assert access["function"] == "CinqWaitlistFunction" and access["path"] == "/api/waitlist"


def test_colour_only_when_asked():
    log = LogSink(io.StringIO(), colour=True)
    assert log.pretty("Fn", {"level": "INFO", "message": "m"}).count("\x1b[") >= 2


def test_a_metrics_line_reads_as_its_metrics():
    log, out = sink()
    emf = {
        "_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "local", "Metrics": [{"Name": "ColdStart"}]}]},
        "function_name": "Fn",
        "service": "lnupload",
        "ColdStart": [1.0],
    }
    log.function_line("Fn", json.dumps(emf))
    assert out.getvalue().split(" ", 1)[1] == "METRIC  Fn ColdStart=1.0\n"
