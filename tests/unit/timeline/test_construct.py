"""`construct_validated` is a faster `model_construct` for complete, valid values: it must
build exactly what pydantic builds."""
import pytest
from hypothesis import given, settings
from pydantic import ValidationError

from services.timeline.core.fold import claim_view
from services.timeline.core.model import ClaimView, construct_validated
from tests.support.events import make_event
from tests.unit.timeline.test_properties import event_data


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


@settings(max_examples=150, deadline=None)
@given(event=event_data(0))
def test_a_claims_event_is_the_event_validation_gives(event):
    """`ClaimView.to_event` constructs the event from the view's fields without validating
    them again: the same event, field for field and in JSON, as the validated path, for
    every type (each with its own slots); and the event the claim was made from."""
    view = claim_view(event)
    fast, validated = view.to_event(), view._validated_event(None)
    assert type(fast) is type(validated) is type(event)
    assert fast == validated == event
    assert fast.model_dump_json() == validated.model_dump_json() == event.model_dump_json()
    assert set(fast.__dict__) == set(type(event).model_fields)


def test_a_claim_without_its_own_type_takes_the_entrys():
    event = make_event("a1", "troops_deployed", actor="RUS", movement="massed", sentence="Russia massed troops.")
    view = claim_view(event).model_copy(update={"type": "", "movement": None})
    rebuilt = view.to_event("troops_deployed")
    assert rebuilt == view._validated_event("troops_deployed")
    assert rebuilt.movement == "deployed"  # the class's default, as validation gives it
    territory = claim_view(make_event("a2", "territory_claimed", actor="RUS", change="captured",
                                      sentence="Russia captured it.")).model_copy(update={"change": None})
    with pytest.raises(ValidationError):  # a required slot left empty: validation's own error
        territory.to_event()
