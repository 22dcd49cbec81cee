"""Reading job.json: MongoDB extended JSON becomes plain values, the fast way
and the general way alike."""

import json

from extractor.sources.jobjson import parse_job_json, plain_json_object


def test_dates_and_object_ids_become_strings():
    data = b'{"_id": {"$oid": "5f1c"}, "completed_at": {"$date":"2025-06-02T14:01:22.123Z"}, "n": 1}'
    assert parse_job_json(data) == {"_id": "5f1c", "completed_at": "2025-06-02T14:01:22.123Z", "n": 1}


def test_rarer_extended_values_take_the_general_path():
    data = b'{"size": {"$numberLong": "123456789012"}, "at": {"$date": {"$numberLong": "1717336882000"}}}'
    assert parse_job_json(data) == {"size": 123456789012, "at": 1717336882000}


def test_a_dollar_in_an_ordinary_string_is_left_alone():
    data = b'{"path": "$HOME/\\"$x\\"", "at": {"$date": "2025-06-02T14:01:22Z"}}'
    assert parse_job_json(data) == {"path": '$HOME/"$x"', "at": "2025-06-02T14:01:22Z"}


def test_fast_path_equals_the_standard_library_on_real_documents(reference_projects):
    for path in reference_projects["P30"].glob("J*/job.json"):
        data = path.read_bytes()
        assert parse_job_json(data) == json.loads(data, object_hook=plain_json_object)
