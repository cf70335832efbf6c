"""`construct_validated` is a faster `model_construct` for complete, valid values: it must
build exactly what pydantic builds."""
import pytest

from services.timeline.core.fold import claim_view
from services.timeline.core.model import ClaimView, construct_validated
from tests.support.events import make_event


def test_construct_validated_equals_model_construct_and_validation():
    event = make_event("a1", "territory_claimed", actor="RUS", claimant="RUS", location="Kursk", change="controls",
                       sentence="Russia says it controls all of Kursk.")
    fast = claim_view(event)
    values = dict(fast.__dict__)
    slow = ClaimView.model_construct(**values)
    validated = ClaimView.model_validate(values)
    assert fast == slow == validated
    assert fast.model_dump_json() == slow.model_dump_json() == validated.model_dump_json()
    assert fast.model_fields_set == slow.model_fields_set
    # claim_view builds with construct_complete, which does not check: every field is named.
    assert set(fast.__dict__) == set(ClaimView.model_fields)


def test_construct_validated_refuses_missing_fields():
    with pytest.raises(TypeError, match="missing"):
        construct_validated(ClaimView, event_id="ev_1")
