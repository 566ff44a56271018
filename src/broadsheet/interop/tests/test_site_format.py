"""The format carries every field of every model that is the site's data, or says why not,
and the document that describes it names them all: a model that gains a field fails here
until someone decides where the field goes."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps

from broadsheet.interop.site_format import (
    FULLY_CHECKED_FIELDS,
    MODELS_LEFT_OUT,
    SETTINGS,
    SETTINGS_FIELDS,
    TABLES,
)

PROJECT_APPS = [
    config for config in apps.get_app_configs() if config.name.startswith("broadsheet.")
]
FORMAT_DOCUMENT = Path(__file__).parents[4] / "docs" / "export-format.md"


def test_every_model_of_the_project_is_written_or_left_out_with_a_reason():
    covered = {table.model for table in TABLES} | set(SETTINGS.values()) | set(MODELS_LEFT_OUT)
    models = {model for config in PROJECT_APPS for model in config.get_models()}
    assert models - covered == set(), "add these models to interop/site_format.py"
    assert all(reason.strip() for reason in MODELS_LEFT_OUT.values())


def test_every_field_of_a_written_model_is_written_or_left_out_with_a_reason():
    for table in TABLES:
        fields = {field.name for field in table.model._meta.concrete_fields}
        many = {field.name for field in table.model._meta.many_to_many}
        assert fields == set(table.fields) | set(table.left_out), table.key
        assert many == set(table.many), table.key
        assert len(set(table.fields)) == len(table.fields), table.key
    for key, model in SETTINGS.items():
        fields = {field.name for field in model._meta.concrete_fields} - {"id"}
        assert fields == set(SETTINGS_FIELDS[key]), key


def test_the_format_document_names_every_member_and_field():
    text = FORMAT_DOCUMENT.read_text(encoding="utf-8")
    names = [f"`{table.key}`" for table in TABLES]
    names += [f"`{name}`" for table in TABLES for name in (*table.fields, *table.many)]
    names += [f"`{name}`" for table in TABLES for name in table.left_out]
    names += [f"`{key}`" for key in SETTINGS]
    names += [f"`{name}`" for fields in SETTINGS_FIELDS.values() for name in fields]
    missing = sorted({name for name in names if name not in text})
    assert missing == [], "docs/export-format.md does not mention these"


def test_the_fields_checked_by_every_validator_exist():
    fields = {str(field) for model in apps.get_models() for field in model._meta.concrete_fields}
    assert fields >= FULLY_CHECKED_FIELDS
